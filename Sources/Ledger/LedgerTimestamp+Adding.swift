extension LedgerTimestamp {
    /// This time plus `duration`, in whole microseconds, saturating at the ends of the range
    /// (retry times, claim holds and expiry horizons never overflow).
    public func adding(_ duration: Duration) -> LedgerTimestamp {
        let (seconds, attoseconds) = duration.components
        let (micros, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        let delta = overflow ? (seconds > 0 ? Int64.max : Int64.min) : micros.addingReportingOverflow(attoseconds / 1_000_000_000_000).partialValue
        let (sum, sumOverflow) = microseconds.addingReportingOverflow(delta)
        return LedgerTimestamp(microseconds: sumOverflow ? (delta > 0 ? .max : .min) : sum)
    }
}
