/// One team's figures for one day (docs/api.md, "Analytics").
public struct AnalyticsDay: Sendable, Equatable, Codable {
    /// The day, `YYYY-MM-DD`, in the report's time zone.
    public var date: String
    /// The team, or `unrouted`.
    public var team: String
    /// Messages from citizens that day.
    public var inbound: Int
    /// Messages to citizens that day (staff, automations and the proxy alike).
    public var outbound: Int
    public var firstResponse: FirstResponse
    public var backlog: Backlog

    public init(date: String, team: String, inbound: Int, outbound: Int, firstResponse: FirstResponse, backlog: Backlog) {
        self.date = date
        self.team = team
        self.inbound = inbound
        self.outbound = outbound
        self.firstResponse = firstResponse
        self.backlog = backlog
    }

    /// First responses to the inbound messages of the day.
    public struct FirstResponse: Sendable, Equatable, Codable {
        public var count: Int
        /// Nearest-rank percentiles in seconds; nil when there was no response.
        public var p50Seconds: Double?
        public var p90Seconds: Double?

        public init(count: Int, p50Seconds: Double?, p90Seconds: Double?) {
            self.count = count
            self.p50Seconds = p50Seconds
            self.p90Seconds = p90Seconds
        }

        enum CodingKeys: String, CodingKey {
            case count
            case p50Seconds = "p50_seconds"
            case p90Seconds = "p90_seconds"
        }

        /// Absent percentiles are written as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(count, forKey: .count)
            try c.encode(p50Seconds, forKey: .p50Seconds)
            try c.encode(p90Seconds, forKey: .p90Seconds)
        }
    }

    /// Conversations open or pending at the end of the day (now, for today).
    public struct Backlog: Sendable, Equatable, Codable {
        public var open: Int
        /// The age of the oldest inbound message among them still waiting for a first response,
        /// in seconds; nil when none waits.
        public var oldestAgeSeconds: Double?

        public init(open: Int, oldestAgeSeconds: Double?) {
            self.open = open
            self.oldestAgeSeconds = oldestAgeSeconds
        }

        enum CodingKeys: String, CodingKey {
            case open
            case oldestAgeSeconds = "oldest_age_seconds"
        }

        /// An absent age is written as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(open, forKey: .open)
            try c.encode(oldestAgeSeconds, forKey: .oldestAgeSeconds)
        }
    }

    enum CodingKeys: String, CodingKey {
        case date, team, inbound, outbound, backlog
        case firstResponse = "first_response"
    }
}

/// The figures of a range of days.
public struct AnalyticsReport: Sendable, Equatable, Codable {
    /// The IANA time zone the days are counted in.
    public var timezone: String
    /// One entry per day (through today) and team, by date then team.
    public var days: [AnalyticsDay]

    public init(timezone: String, days: [AnalyticsDay]) {
        self.timezone = timezone
        self.days = days
    }
}

/// The team of messages of a conversation never routed.
public let unroutedTeam = "unrouted"

/// One analytics fact of a conversation, in ledger order.
struct AnalyticsFact: Sendable {
    enum Kind: Sendable, Equatable {
        case inbound
        case outbound(via: String)
        case routed(team: String)
        case pending, closed, reopened
    }

    var conversation: String
    var position: Int64
    var atUs: Int64
    var kind: Kind

    /// The `via` of outbound messages sent by staff: the send API, the recording proxy, or the
    /// business's own WhatsApp app (an echo). Automations are not a response.
    static let staffVias: Set<String> = ["api", "proxy", "app"]
}

/// One day of a report: its date and its bounds, in microseconds since 1970.
struct AnalyticsDayWindow: Sendable {
    var date: String
    var startUs: Int64
    var endUs: Int64
}

/// Computes the figures of docs/api.md ("Analytics") from the facts of every conversation.
struct AnalyticsComputation {
    let days: [AnalyticsDayWindow]
    let nowUs: Int64

    private struct Key: Hashable {
        var day: Int
        var team: String
    }

    private struct Figures {
        var inbound = 0
        var outbound = 0
        var responsesUs: [Int64] = []
        var open = 0
        var oldestUs: Int64?

        var isEmpty: Bool { inbound == 0 && outbound == 0 && responsesUs.isEmpty && open == 0 }
    }

    private enum State { case none, open, pending, closed }

    private var figures: [Key: Figures] = [:]

    init(days: [AnalyticsDayWindow], nowUs: Int64) {
        self.days = days
        self.nowUs = nowUs
    }

    /// The day index of a time, or nil outside the report.
    private func day(of us: Int64) -> Int? {
        var low = 0
        var high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid].endUs <= us { low = mid + 1 } else { high = mid }
        }
        guard low < days.count, days[low].startUs <= us else { return nil }
        return low
    }

    /// When the backlog of a day is taken: its end, or now for today.
    private func snapshotUs(_ index: Int) -> Int64 { min(days[index].endUs, nowUs) }

    /// Adds one conversation's facts (in ledger order).
    mutating func add(conversation facts: [AnalyticsFact]) {
        let routings = facts.compactMap { fact -> (Int64, String)? in
            if case .routed(let team) = fact.kind { return (fact.position, team) }
            return nil
        }
        // The team at a position: the latest routing at or before it; before the first routing,
        // the team it was first routed to (the routing it was waiting for); never routed: unrouted.
        func team(at position: Int64) -> String {
            routings.last(where: { $0.0 <= position })?.1 ?? routings.first?.1 ?? unroutedTeam
        }
        var state = State.none
        var clock: (atUs: Int64, team: String)?
        var lastPosition: Int64 = -1
        var boundary = 0

        func snapshot(_ index: Int) {
            guard state == .open || state == .pending else { return }
            let at = snapshotUs(index)
            let key = Key(day: index, team: team(at: lastPosition))
            figures[key, default: Figures()].open += 1
            if let clock {
                let age = max(0, at - clock.atUs)
                figures[key, default: Figures()].oldestUs = max(figures[key]?.oldestUs ?? 0, age)
            }
        }

        for fact in facts {
            while boundary < days.count, fact.atUs >= snapshotUs(boundary) {
                snapshot(boundary)
                boundary += 1
            }
            let factTeam = team(at: fact.position)
            switch fact.kind {
            case .inbound:
                if let index = day(of: fact.atUs) { figures[Key(day: index, team: factTeam), default: Figures()].inbound += 1 }
                if state == .none { state = .open }
                if clock == nil { clock = (fact.atUs, factTeam) }
            case .outbound(let via):
                if let index = day(of: fact.atUs) { figures[Key(day: index, team: factTeam), default: Figures()].outbound += 1 }
                if AnalyticsFact.staffVias.contains(via), let started = clock {
                    if let index = day(of: started.atUs) {
                        figures[Key(day: index, team: started.team), default: Figures()].responsesUs.append(max(0, fact.atUs - started.atUs))
                    }
                    clock = nil
                }
            case .routed:
                if state == .none { state = .open }
            case .pending:
                state = .pending
            case .closed:
                state = .closed
                clock = nil
            case .reopened:
                state = .open
            }
            lastPosition = fact.position
        }
        while boundary < days.count {
            snapshot(boundary)
            boundary += 1
        }
    }

    /// The report's rows: every day for every team with a figure in the range (only `team`
    /// when given, then every day even without figures), by date then team.
    func rows(team filter: String?) -> [AnalyticsDay] {
        var teams = Set(figures.filter { !$0.value.isEmpty }.map(\.key.team))
        if let filter { teams = [filter] }
        var rows: [AnalyticsDay] = []
        for (index, window) in days.enumerated() {
            for team in teams.sorted() {
                let found = figures[Key(day: index, team: team)] ?? Figures()
                let sorted = found.responsesUs.sorted()
                rows.append(
                    AnalyticsDay(
                        date: window.date, team: team, inbound: found.inbound, outbound: found.outbound,
                        firstResponse: .init(
                            count: sorted.count, p50Seconds: Self.nearestRank(50, of: sorted).map(Self.seconds),
                            p90Seconds: Self.nearestRank(90, of: sorted).map(Self.seconds)),
                        backlog: .init(open: found.open, oldestAgeSeconds: found.oldestUs.map(Self.seconds))))
            }
        }
        return rows
    }

    /// The nearest-rank percentile of sorted values: the value at rank ⌈p/100 · n⌉.
    static func nearestRank(_ percent: Int, of sorted: [Int64]) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return sorted[max(1, rank) - 1]
    }

    /// Microseconds as seconds, to the millisecond.
    static func seconds(_ us: Int64) -> Double { Double(us / 1000) / 1000 }
}
