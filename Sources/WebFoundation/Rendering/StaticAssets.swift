import Crypto
import Foundation

/// One file of `Sources/WebFoundation/Static`, held in memory.
struct StaticAsset: Sendable {
    let name: String
    let bytes: [UInt8]
    let contentType: String
    /// The first 16 hex digits of the file's SHA-256: part of its URL, so that a changed file
    /// has a new URL and an old one can be cached for a year.
    let hash: String

    /// Where the pages link it: `/static/<hash>/<name>`.
    var path: String { "/static/\(hash)/\(name)" }
}

/// The pages' static files: one stylesheet, one script, the icon. Served under
/// `/static/<content hash>/<name>` with `Cache-Control: public, max-age=31536000, immutable`.
package struct StaticAssets: Sendable {
    /// The files and their content types; a missing one stops the service at startup.
    static let contentTypes: [String: String] = [
        "app.css": "text/css; charset=utf-8",
        "app.js": "text/javascript; charset=utf-8",
        "icon.svg": "image/svg+xml",
    ]
    /// A year: the URL changes when the file does.
    static let cacheControl = "public, max-age=31536000, immutable"

    let assets: [String: StaticAsset]

    /// Reads the files of ``contentTypes`` from `directory`.
    /// - Throws: ``WebResourceError`` naming a missing file.
    init(directory: URL) throws(WebResourceError) {
        var assets: [String: StaticAsset] = [:]
        for (name, contentType) in Self.contentTypes {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else {
                throw WebResourceError("the static file \(name) is missing from \(directory.path)")
            }
            let bytes = Array(data)
            let hash = SHA256.hash(data: bytes).prefix(8).map { String(format: "%02x", $0) }.joined()
            assets[name] = StaticAsset(name: name, bytes: bytes, contentType: contentType, hash: hash)
        }
        self.assets = assets
    }

    /// The URL path of a file the pages link (`app.css`, `app.js`, `icon.svg`).
    func path(_ name: String) -> String { assets[name]?.path ?? "/static/missing/\(name)" }
}
