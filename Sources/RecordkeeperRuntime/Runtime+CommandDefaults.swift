import Foundation

extension Runtime {
    /// The actor of the events a command records: the operating-system user running it
    /// (`cli:<USER>`, or `cli:unknown` when `USER` is unset or empty).
    public static var actor: String { "cli:\(ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "unknown")" }

    /// The ledger a command works on: its `--ledger` option, else `RECORDKEEPER_LEDGER`, else `main`.
    /// - Parameter option: the value of the command's `--ledger` option, if given.
    public static func ledger(_ option: String?) -> String {
        option ?? environment["RECORDKEEPER_LEDGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "main"
    }
}
