package import Foundation
import TestSupport

/// Runs `body` with a new directory under /tmp (mode 0755, so that the `postgres` OS user can
/// traverse it), removed afterwards whether `body` succeeded or not.
package func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    var template = Array("/tmp/rk-servertests.XXXXXX".utf8CString)
    guard let created = mkdtemp(&template) else {
        throw TestSetupError("cannot create a temporary directory under /tmp: \(String(cString: strerror(errno)))")
    }
    let path = String(cString: created)
    guard chmod(path, 0o755) == 0 else {
        try? FileManager.default.removeItem(atPath: path)
        throw TestSetupError("cannot chmod 755 \(path): \(String(cString: strerror(errno)))")
    }
    let directory = URL(fileURLWithPath: path, isDirectory: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// The permission bits of a file (e.g. `0o600`).
package func permissions(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    guard let mode = attributes[.posixPermissions] as? Int else {
        throw TestSetupError("no permissions reported for \(path)")
    }
    return mode & 0o7777
}
