import Foundation

/// The process's resident memory, from /proc (Linux). The benchmarks run the service (and the
/// verifier) in their own process, so this is the service's memory plus the benchmark's clients.
enum ResidentMemory {
    /// VmHWM, the peak resident set size, in MB (0 where /proc is not available).
    static func peakMegabytes() -> Double { statusMegabytes("VmHWM:") }

    /// VmRSS, the resident set size now, in MB (0 where /proc is not available).
    static func currentMegabytes() -> Double { statusMegabytes("VmRSS:") }

    /// Resets the peak (VmHWM) to the current resident set, so the next ``peakMegabytes()`` is
    /// the peak of what ran since (Linux `clear_refs`; nothing where it is not available).
    static func resetPeak() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }

    /// A `/proc/self/status` line's value (in kB) in MB.
    private static func statusMegabytes(_ key: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(key) {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kilobytes / 1024
        }
        return 0
    }
}

/// The resident memory of the process that ran a service (or the verifier) at the start and at
/// the end of a benchmark's measured work: `rss_start_mb`, `rss_end_mb`.
struct ProcessMemory: Sendable {
    var startMB: Double
    var endMB: Double

    /// Reads the start now; ``ended()`` reads the end.
    static func starting() -> ProcessMemory {
        let now = ResidentMemory.currentMegabytes()
        return ProcessMemory(startMB: now, endMB: now)
    }

    /// This value with the end read now.
    func ended() -> ProcessMemory { ProcessMemory(startMB: startMB, endMB: ResidentMemory.currentMegabytes()) }

    /// Whose memory it is: the benchmark's own process, which runs `what` in-process.
    static func owner(_ what: String) -> String { "recordkeeper-bench pid \(ProcessInfo.processInfo.processIdentifier) (\(what) in-process)" }

    /// The JSON members: `rss_start_mb`, `rss_end_mb`, `rss_process`.
    func json(of what: String) -> [String: any Sendable] {
        ["rss_start_mb": Self.rounded(startMB), "rss_end_mb": Self.rounded(endMB), "rss_process": Self.owner(what)]
    }

    /// One line for a terminal.
    func line(of what: String) -> String {
        "  resident memory (VmRSS) of \(Self.owner(what)): " + String(format: "%.1f MB at start, %.1f MB at end", startMB, endMB)
    }

    static func rounded(_ megabytes: Double) -> Double { (megabytes * 10).rounded() / 10 }
}
