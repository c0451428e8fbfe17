import Foundation
public import Logging

/// Terminal and machine-readable output shared by the commands.
public enum Output {
    /// Whether standard error is a terminal (progress is shown only then).
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Prints a JSON document on standard output.
    public static func json(_ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Prints a line on standard output.
    public static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a line on standard error.
    public static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Rewrites one progress line on a terminal; does nothing when stderr is not a terminal.
    public static func progress(_ text: String) {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(text)".utf8))
    }

    /// Ends the progress line (a newline on a terminal).
    public static func endProgress() {
        guard stderrIsTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    /// The process logger: JSON lines on stderr, level from RECORDKEEPER_LOG_LEVEL (default info,
    /// or warning for non-serve commands so that their output stays readable).
    public static func makeLogger(defaultLevel: Logger.Level = .warning) -> Logger {
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
