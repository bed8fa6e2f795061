export { importCapture, sniffCapture, CaptureFlows, type CaptureImportOptions, type CaptureImportSummary } from './import.js';
export { ingestCapture, type CaptureSink, type CaptureIngestResult } from './ingest.js';
