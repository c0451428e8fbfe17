extension RetentionPeriod {
    /// Why a text is not a retention period, in words for the catalog's reader.
    struct Problem: Error {
        var message: String
    }

    /// Reads an ISO 8601 duration of years, months and days: `P2Y`, `P6M`, `P1Y6M`, `P30D`. Weeks
    /// and times of day are refused (schedules count in years, months and days), and so is a
    /// period of zero.
    static func parse(iso8601 text: String) -> Result<RetentionPeriod, Problem> {
        let form =
            "is not a retention: write an ISO 8601 period of years, months and days such as `P2Y` (2 years), `P6M`, `P1Y6M` or `P30D`, or the words `until no longer needed`"
        var rest = Substring(text.uppercased())
        guard rest.first == "P", rest.count > 1 else { return .failure(Problem(message: form)) }
        rest = rest.dropFirst()
        if rest.contains(where: { $0 == "T" || $0 == "H" || $0 == "S" }) {
            return .failure(Problem(message: "is not a retention: schedules count in years, months and days, not hours or minutes (`P30D` is 30 days)"))
        }
        if rest.contains(where: { $0 == "W" }) {
            return .failure(Problem(message: "is not a retention: write weeks as days (`P14D`, not `P2W`)"))
        }
        var amounts: [Character: Int] = [:]
        var order: [Character] = ["Y", "M", "D"]
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCII).prefix(while: \.isNumber)
            rest = rest.dropFirst(digits.count)
            guard !digits.isEmpty, let amount = Int(digits), amount <= 10_000, let unit = rest.first, let position = order.firstIndex(of: unit) else {
                return .failure(Problem(message: form))
            }
            amounts[unit] = amount
            order.removeFirst(position + 1)
            rest = rest.dropFirst()
        }
        let years = amounts["Y"] ?? 0
        let months = amounts["M"] ?? 0
        let days = amounts["D"] ?? 0
        guard years + months + days > 0 else {
            return .failure(Problem(message: "is a retention of zero: give a period of at least one day, or `until no longer needed`"))
        }
        return .success(.period(years: years, months: months, days: days))
    }

    /// The period as the catalog file writes it: `P1Y6M`, or `until no longer needed`.
    public var catalogText: String {
        switch self {
        case .untilNoLongerNeeded:
            return "until no longer needed"
        case .period(let years, let months, let days):
            let parts = [(years, "Y"), (months, "M"), (days, "D")].filter { $0.0 > 0 }.map { "\($0.0)\($0.1)" }
            return "P" + parts.joined()
        }
    }
}
