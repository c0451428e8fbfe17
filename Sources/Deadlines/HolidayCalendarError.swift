/// A holiday calendar file that cannot be used. Nothing was loaded; the message names the file's
/// entry and what to write instead.
public enum HolidayCalendarError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(path: String, reason: String)
    /// The file is not a JSON object.
    case notJSON(reason: String)
    /// A required member is missing (`entry` is `holidays[3]`, `closures[0]` or `the calendar`).
    case missing(member: String, entry: String)
    /// A member has a value the calendar cannot use.
    case invalid(member: String, entry: String, value: String, expected: String)
    /// An `after` rule names a holiday not listed before it.
    case unknownHoliday(String, entry: String)
    /// Two holidays have one name.
    case duplicateName(String)
    /// A time zone name the system does not know.
    case unknownTimeZone(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "cannot read the holiday calendar \(path): \(reason)"
        case .notJSON(let reason):
            "the holiday calendar is not a JSON object (\(reason)): see deploy/holidays/washington.json for the form"
        case .missing(let member, let entry):
            "\(entry) has no \"\(member)\": give it (see deploy/holidays/washington.json)"
        case .invalid(let member, let entry, let value, let expected):
            "\(entry): \"\(member)\" is \(value), expected \(expected)"
        case .unknownHoliday(let name, let entry):
            "\(entry) is a day after \"\(name)\", which is not a holiday listed before it: list \"\(name)\" first"
        case .duplicateName(let name):
            "two holidays are named \"\(name)\": give each a name of its own"
        case .unknownTimeZone(let name):
            "\(name) is not a time zone name this system knows: give an IANA name such as America/Los_Angeles"
        }
    }
}
