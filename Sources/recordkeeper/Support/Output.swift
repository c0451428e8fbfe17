import Foundation
import Logging
import Server

/// Terminal and machine-readable output shared by the commands.
enum Output {
    /// Whether standard error is a terminal (progress is shown only then).
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Prints a JSON document on standard output.
    static func json(_ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Prints a line on standard output.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a line on standard error.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Rewrites one progress line on a terminal; does nothing when stderr is not a terminal.
    static func progress(_ text: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    /// The process logger: JSON lines on stderr, level from RECORDKEEPER_LOG_LEVEL (default info,
    /// or warning for non-serve commands so that their output stays readable).
    static func makeLogger(defaultLevel: Logger.Level = .warning) -> Logger {
        let level = ProcessInfo.processInfo.environment["RECORDKEEPER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? defaultLevel
        var logger = Logger(label: "recordkeeper") { label in
            var handler = JSONLogHandler(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }
}
