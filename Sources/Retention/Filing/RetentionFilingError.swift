/// Why a filing by hand was refused. Nothing was recorded.
public enum RetentionFilingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The record text is not `<stream>@<YYYY-MM>`.
    case notARecord(String)
    /// No entry of the ledger belongs to this record.
    case unknownRecord(String)
    /// No schedule catalog is loaded.
    case noCatalog
    /// The series is not in the catalog in force.
    case unknownSeries(String, known: [String])
    /// The series is superseded by a newer revision.
    case supersededSeries(String, by: String)
    /// The reason is empty.
    case emptyReason
    /// The record was destroyed (or transferred to the archives): it can no longer be filed.
    case destroyed(String)

    public var description: String {
        switch self {
        case .notARecord(let text):
            "`\(text)` is not a record: a record is written `<conversation stream>@<YYYY-MM>`, such as `wa/1234567890/p:15551234567@2026-03` (see `recordkeeper retention queue`)"
        case .unknownRecord(let record):
            "record \(record) does not exist: no entry of its conversation stream falls in that month (check the stream and month with `recordkeeper retention queue`)"
        case .noCatalog:
            "no schedule catalog is loaded: load one first with `recordkeeper retention load FILE`"
        case .unknownSeries(let series, let known):
            "series `\(series)` is not in the catalog in force; its series are \(known.map { "`\($0)`" }.joined(separator: ", "))"
        case .supersededSeries(let series, let by):
            "series `\(series)` is superseded by `\(by)` in the catalog in force: file into `\(by)`"
        case .emptyReason:
            "a filing by hand needs a reason: give `--reason` (it is kept with the filing)"
        case .destroyed(let record):
            "record \(record) was destroyed or transferred: its filing can no longer change"
        }
    }
}
