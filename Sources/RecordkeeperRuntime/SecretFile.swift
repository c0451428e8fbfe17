public import Foundation
public import Ledger

/// Files that hold secrets: created with mode 0600, never overwritten by accident.
public enum SecretFile {
    /// Writes `text` to a new file with mode 0600. Refuses to replace an existing file.
    public static func write(_ text: String, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw CLIError("\(url.path) already exists: refusing to overwrite a secret") }
            throw CLIError("cannot create \(url.path): \(String(cString: strerror(errno)))")
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        handle.write(Data(text.utf8))
        try handle.synchronize()
    }

    /// Reads a master key file (base64). Warns through `warn` when others may read it.
    public static func readMasterKey(at path: String, warn: (String) -> Void) throws -> MasterKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIError("cannot read the master key file \(path)")
        }
        if let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0
        {
            warn("the master key file \(path) is readable by other users (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        do {
            return try MasterKey(base64: text)
        } catch {
            throw CLIError("the master key file \(path) does not hold a valid key: \(error)")
        }
    }
}
