/// How strongly a series keeps its records, for choosing among the series a record's messages
/// call for: a record is filed into the highest-ranking one, and never moved to a lower one by a
/// later message (docs/records-officer.md, "How ranking works").
///
/// Archival designations rank first (permanent above appraisal required), then any fixed period
/// (longer above shorter; years, months and days compared as lengths of time: `P1Y` equals
/// `P12M`, `P1M` is shorter than `P31D`), then "until no longer needed" last.
public struct SeriesRank: Sendable, Hashable, Comparable {
    /// 0 until no longer needed, 1 a fixed period, 2 archival (appraisal required), 3 archival (permanent).
    public let tier: Int
    /// The retention in days (a year of 365.2425 days, a month of a twelfth of that); 0 when none.
    public let days: Double

    /// The rank of `series`.
    public init(_ series: RetentionSeries) {
        let days: Double
        switch series.retention {
        case .untilNoLongerNeeded:
            days = 0
        case .period(let years, let months, let dayCount):
            days = Double(years * 12 + months) * (365.2425 / 12) + Double(dayCount)
        }
        self.days = days
        switch (series.designation.archival, series.retention) {
        case (.permanent, _): tier = 3
        case (.appraisalRequired, _): tier = 2
        case (.nonArchival, .untilNoLongerNeeded): tier = 0
        case (.nonArchival, .period): tier = 1
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.tier, lhs.days) < (rhs.tier, rhs.days)
    }
}
