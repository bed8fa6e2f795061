export { CaptureReader, PcapFormatError, captureFormat, DEFAULT_MAX_RECORD, type CapturedPacket, type CaptureFormat, type ReaderStats } from './reader.js';
export { decodePacket, newDecoded, tcpFlagNames, transportName, ipv6Text, LINKTYPE, PROTO, TCP, type DecodedPacket, type DecodeResult } from './decode.js';
export { readCaptureFile, capturePackets, udpDatagrams, READ_CHUNK, type UdpDatagram } from './file.js';
