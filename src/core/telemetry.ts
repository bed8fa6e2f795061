import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** The counters every component reports, labelled by component id and kind (source, codec, parser, sink). */
export class Telemetry {
  readonly registry = new Registry();
  private readonly received: Counter<'component' | 'kind'>;
  private readonly receivedBytes: Counter<'component' | 'kind'>;
  private readonly sent: Counter<'component' | 'kind'>;
  private readonly errors: Counter<'component' | 'kind' | 'error_type' | 'stage'>;
  private readonly dropped: Counter<'component' | 'kind' | 'intentional' | 'reason'>;
  readonly queueDepth: Gauge<'queue'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.received = new Counter({ name: 'vigil_component_received_events_total', help: 'Events received by a component', labelNames: ['component', 'kind'], registers });
    this.receivedBytes = new Counter({ name: 'vigil_component_received_bytes_total', help: 'Bytes received by a component', labelNames: ['component', 'kind'], registers });
    this.sent = new Counter({ name: 'vigil_component_sent_events_total', help: 'Events a component passed on', labelNames: ['component', 'kind'], registers });
    this.errors = new Counter({ name: 'vigil_component_errors_total', help: 'Errors by type and stage', labelNames: ['component', 'kind', 'error_type', 'stage'], registers });
    this.dropped = new Counter({ name: 'vigil_component_discarded_events_total', help: 'Events dropped, intentionally or not, with the reason', labelNames: ['component', 'kind', 'intentional', 'reason'], registers });
    this.queueDepth = new Gauge({ name: 'vigil_queue_depth', help: 'Items waiting in a pipeline queue', labelNames: ['queue'], registers });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'vigil_' });
  }

  component(component: string, kind: 'source' | 'codec' | 'parser' | 'sink' | 'transform'): ComponentTelemetry {
    const l = { component, kind };
    return {
      received: (events, bytes) => {
        this.received.inc(l, events);
        if (bytes !== undefined) this.receivedBytes.inc(l, bytes);
      },
      sent: (events) => this.sent.inc(l, events),
      error: (errorType, stage, count = 1) => this.errors.inc({ ...l, error_type: errorType, stage }, count),
      dropped: (events, reason, intentional) => this.dropped.inc({ ...l, reason, intentional: intentional ? 'true' : 'false' }, events),
    };
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}

export interface ComponentTelemetry {
  received(events: number, bytes?: number): void;
  sent(events: number): void;
  error(errorType: string, stage: string, count?: number): void;
  dropped(events: number, reason: string, intentional: boolean): void;
}
