import Foundation

/// One row of `bench all`'s table: a path, our figure beside the baseline measured in the same
/// run, their ratio, issue 17's target and whether it is met, and the ledger the benchmark wrote.
struct BenchAllRow: Sendable {
    var path: String
    var ours = ""
    var baseline = ""
    var ratio: Double?
    var target = ""
    /// Nil when the benchmark could not run.
    var met: Bool?
    var ledger = ""
    var entries: Int64 = 0
    /// Whether the ledger verified after the benchmark (nil: not verified, e.g. it does not exist).
    var verifies: Bool?
    var seconds = 0.0
    /// Why the benchmark could not run.
    var error: String?

    init(path: String, ours: String, baseline: String, ratio: Double?, target: String, met: Bool) {
        self.path = path
        self.ours = ours
        self.baseline = baseline
        self.ratio = ratio
        self.target = target
        self.met = met
    }

    init(path: String, error: String) {
        self.path = path
        self.error = error
    }

    var json: [String: any Sendable] {
        var json: [String: any Sendable] = [
            "path": path, "ours": ours, "baseline": baseline, "target": target, "ledger": ledger, "ledger_entries": entries,
            "seconds": (seconds * 10).rounded() / 10,
        ]
        if let ratio { json["ratio"] = (ratio * 1000).rounded() / 1000 }
        if let met { json["met"] = met }
        if let verifies { json["verifies"] = verifies }
        if let error { json["error"] = error }
        return json
    }

    /// The table for a terminal (Markdown, so that it can be pasted into docs/benchmarks.md).
    static func table(_ rows: [BenchAllRow], build: String, seconds: Double) -> [String] {
        var lines = [
            "recordkeeper-bench all: \(build) build, " + String(format: "%.0f s", seconds),
            "",
            "| path | ours | baseline in the same run | ratio | target | met | ledger (entries, verifies) |",
            "| --- | ---: | ---: | ---: | --- | --- | --- |",
        ]
        for row in rows {
            let ledger =
                "\(row.ledger) (\(BenchAllFormat.count(Double(row.entries))), " + (row.verifies.map { $0 ? "verifies" : "DOES NOT VERIFY" } ?? "not verified")
                + ")"
            if let error = row.error {
                lines.append("| `\(row.path)` | could not run: \(error.replacingOccurrences(of: "|", with: "/")) | | | | **error** | \(ledger) |")
                continue
            }
            let ratio = row.ratio.map { String(format: "%.2f", $0) } ?? "—"
            lines.append(
                "| `\(row.path)` | \(row.ours) | \(row.baseline) | \(ratio) | \(row.target) | \(row.met == true ? "met" : "**missed**") | \(ledger) |")
        }
        let met = rows.filter { $0.met == true }.count
        lines.append("")
        lines.append("\(met) of \(rows.count) targets met.")
        return lines
    }
}

/// How `bench all` reads a benchmark's JSON figures and judges them against issue 17's targets.
enum BenchAllJudge {
    static func append(_ f: [String: any Sendable]) -> BenchAllRow {
        let ratio = number(f, "ratio")
        return BenchAllRow(
            path: "append", ours: "\(rate(f, "chained_events_per_second")) events/s", baseline: "plain INSERT \(rate(f, "plain_events_per_second"))/s",
            ratio: ratio, target: "≥ 0.8", met: ratio >= 0.8)
    }

    static func ingest(_ f: [String: any Sendable]) -> BenchAllRow {
        let ratio = number(f, "ratio")
        let keptUp = f["projections_kept_up"] as? Bool ?? false
        let lag = String(format: "%.2f s", number(f, "projections_lag_max_seconds"))
        return BenchAllRow(
            path: "ingest",
            ours: "\(rate(f, "ingest_per_second")) deliveries/s, p99 \(ms(f, "p99_ms")); projections' max lag \(lag)",
            baseline: "bare route \(rate(f, "bare_per_second"))/s", ratio: ratio, target: "≥ 0.35, and projections keep up (lag < 2 s)",
            met: ratio >= 0.35 && keptUp)
    }

    static func send(_ f: [String: any Sendable]) -> BenchAllRow {
        let ratio = number(f, "ratio")
        return BenchAllRow(
            path: "send", ours: "accept \(rate(f, "accepted_per_second"))/s, p99 \(ms(f, "p99_ms"))", baseline: "bare route \(rate(f, "bare_per_second"))/s",
            ratio: ratio, target: "≥ 0.25", met: ratio >= 0.25)
    }

    static func read(_ f: [String: any Sendable]) -> BenchAllRow {
        let (perSecond, p99) = (number(f, "timeline_per_second"), number(f, "timeline_p99_ms"))
        return BenchAllRow(
            path: "read", ours: "timeline \(rate(f, "timeline_per_second"))/s, p50 \(ms(f, "timeline_p50_ms")), p99 \(ms(f, "timeline_p99_ms"))",
            baseline: "metadata \(rate(f, "metadata_per_second"))/s", ratio: number(f, "ratio"), target: "≥ 4,000/s, p99 < 20 ms",
            met: perSecond >= 4_000 && p99 < 20)
    }

    static func verify(_ f: [String: any Sendable]) -> BenchAllRow {
        let (ratio, raw) = (number(f, "ratio"), number(f, "raw_entries_per_second"))
        return BenchAllRow(
            path: "verify", ours: "\(rate(f, "verify_entries_per_second")) entries/s (\(count(number(f, "entries"))) entries)",
            baseline: "raw read+hash \(rate(f, "raw_entries_per_second"))/s", ratio: ratio, target: "≥ 0.8, and raw ≥ 400,000/s",
            met: ratio >= 0.8 && raw >= 400_000)
    }

    static func projections(_ f: [String: any Sendable]) -> BenchAllRow {
        let reached = f["rate_reached"] as? Bool ?? false
        let offered = rate(f, "rate_offered")
        let atRate = reached ? "at \(offered)/s" : "at \(rate(f, "rate_achieved"))/s achieved (\(offered)/s offered, NOT reached)"
        let catchUp = (f["burst_caught_up_seconds"]).map { _ in String(format: "%.1f s", number(f, "burst_caught_up_seconds")) } ?? "not within 600 s"
        return BenchAllRow(
            path: "projections",
            ours: String(format: "lag max %.2f s, p95 %.2f s ", number(f, "sustained_lag_max_seconds"), number(f, "sustained_lag_p95_seconds")) + atRate
                + "; burst \(Int(number(f, "burst_seconds"))) s at \(rate(f, "burst_rate"))/s caught up in \(catchUp)",
            baseline: "—", ratio: nil, target: "lag < 2 s at 1,000/s sustained; burst caught up in < 10 s", met: f["met"] as? Bool ?? false)
    }

    /// A figure of the JSON as a number (0 when it is missing).
    static func number(_ f: [String: any Sendable], _ key: String) -> Double {
        switch f[key] {
        case let value as Double: value
        case let value as Int: Double(value)
        case let value as Int64: Double(value)
        default: 0
        }
    }

    static func rate(_ f: [String: any Sendable], _ key: String) -> String { count(number(f, key)) }
    static func count(_ value: Double) -> String { BenchAllFormat.count(value) }
    static func ms(_ f: [String: any Sendable], _ key: String) -> String { String(format: "%.1f ms", number(f, key)) }
}

enum BenchAllFormat {
    /// A whole number with thousands separators (`22,521`).
    static func count(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 && character != "-" { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }
}
