// What the measurement needs from anything that probes: the pid whose CPU and memory are read, and
// how many probes it has completed so far. Types only.

export interface ProbeCount {
  /** Probes completed, successful or not. */
  readonly done: number;
  readonly failed: number;
}

export interface Subject {
  /** e.g. "jaga http", "blackbox tcp_connect", "floor client". */
  readonly label: string;
  /** The measured process. */
  readonly pid: number;
  count(): Promise<ProbeCount>;
  stop(): Promise<void>;
}

export type ProbeKind = 'http' | 'tcp';

/** What one run probes and how often. */
export interface ProbeLoad {
  readonly kind: ProbeKind;
  /** http: URLs; tcp: "127.0.0.1:port". */
  readonly targets: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
}
