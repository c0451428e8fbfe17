import Foundation
import Ledger
import RecordkeeperRuntime

/// Verifier keys from `--public-key` values and `--public-key-file` files (one key per line;
/// blank lines and lines starting with `#` are ignored).
func loadTrustedKeys(keys: [String], files: [String]) throws -> [NoteVerifierKey] {
    var result: [NoteVerifierKey] = []
    for text in keys {
        do { result.append(try NoteVerifierKey(parsing: text)) } catch { throw CLIError("--public-key \(text): \(error)") }
    }
    for file in files {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw CLIError("cannot read the public key file \(file)")
        }
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do { result.append(try NoteVerifierKey(parsing: trimmed)) } catch { throw CLIError("\(file): \(error)") }
        }
    }
    return result
}

/// Reads a text file the user named, with an error that says which option it came from.
func readTextFile(_ path: String, option: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("\(option) \(path): no such readable file") }
    guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(option) \(path): not UTF-8 text") }
    return text
}
