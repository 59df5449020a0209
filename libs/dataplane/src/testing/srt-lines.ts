// Lines srt-live-transmit 1.5.1 printed on this machine, for the SRT input's specs.

/** A `-pf:json -f` report of a receiving listener (recv counters edited to be non-zero). */
export const STATS_LINE =
  '{"sid":219619862,"timepoint":"2026-12-02T06:48:31.801728+0000","time":1777,"window":{"flow":8192,"congestion":8192,"flight":0},' +
  '"link":{"rtt":0.048,"bandwidth":3494.51,"maxBandwidth":1000},"send":{"packets":0,"packetsUnique":0,"packetsLost":0,"packetsDropped":0,' +
  '"packetsRetransmitted":0,"packetsFilterExtra":0,"bytes":0,"bytesUnique":0,"bytesDropped":0,"byteAvailBuf":12288000,"msBuf":0,"mbitRate":0,' +
  '"sendPeriod":12},"recv":{"packets":1200,"packetsUnique":1190,"packetsLost":12,"packetsDropped":3,"packetsRetransmitted":9,"packetsBelated":0,' +
  '"packetsFilterExtra":0,"packetsFilterSupply":0,"packetsFilterLoss":0,"bytes":300000,"bytesUnique":300000,"bytesLost":0,"bytesDropped":0,' +
  '"byteAvailBuf":12090000,"msBuf":107,"mbitRate":8.36132,"msTsbPdDelay":200}}';
