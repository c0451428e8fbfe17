import Foundation
import Ledger

/// A signed checkpoint checked against verifier keys (docs/ledger-format.md sections 12.3–12.6,
/// steps 1–2), with the ledger it must be of.
struct TrustedCheckpoint {
    let note: SignedNote
    let checkpoint: Checkpoint

    /// Parses the note and keys and checks that a key verifies it and that its origin names `ledger`.
    /// - Throws: a sentence saying what is wrong.
    init(signedNote: String, verifierKeys: [String], ledger: String) throws(ExportError) {
        let note: SignedNote
        let checkpoint: Checkpoint
        do {
            note = try SignedNote(parsing: signedNote)
            checkpoint = try Checkpoint(parsingBody: note.text)
        } catch {
            throw .checkpoint("it is not a signed checkpoint (\(error))")
        }
        var keys: [NoteVerifierKey] = []
        for line in verifierKeys where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do { keys.append(try NoteVerifierKey(parsing: line)) } catch { throw .checkpoint("a verifier key is malformed (\(error))") }
        }
        guard !keys.isEmpty else { throw .checkpoint("no verifier key was given") }
        guard keys.contains(where: { $0.verifies(note) }) else {
            throw .checkpoint("no signature on it verifies with the given key(s) \(keys.map(\.name).joined(separator: ", "))")
        }
        guard CheckpointOrigin.ledger(fromOrigin: checkpoint.origin) == ledger else {
            throw .checkpoint("its origin \(checkpoint.origin) is not of ledger \(ledger)")
        }
        self.note = note
        self.checkpoint = checkpoint
    }
}
