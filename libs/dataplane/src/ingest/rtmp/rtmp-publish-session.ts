/** The transport under a session: a TCP or TLS socket in production, a script in tests. */
export interface RtmpConnection {
  write(data: Buffer): void;
  /** Bytes written that the kernel has not taken yet. */
  readonly pendingWriteBytes: number;
  pause(): void;
  resume(): void;
  /** Ends the connection (what was written is flushed), destroying it if the peer lingers. */
  close(): void;
}

/** What a publisher's handler may do with the session it was given. */
export interface RtmpPublishSession {
  /** Unique per server run, for logs and takeover messages. */
  readonly id: number;
  /** "10.1.2.3:50000", "[2001:db8::1]:50000". */
  readonly clientAddress: string;
  /** The connect command's flashVer ("FMLE/3.0 (compatible; FMSc/1.0)", "LNX 9,0,124,2"). */
  readonly flashVer: string | null;
  readonly connectedAt: number;
  /** Every byte received on the connection, protocol included. */
  readonly bytesReceived: number;
  /** Stops reading the socket (TCP pushes back to the encoder) until resume(). */
  pause(): void;
  resume(): void;
  close(reason: string): void;
}
