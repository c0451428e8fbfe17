public import Foundation

/// An installment's bundle read in pieces for a streamed download: opened only when it is the
/// file recorded (its name, and its size as `export.produced` states it), closed at its end.
/// Read by the one iterator of a single-pass body, one piece at a time (hence `@unchecked`).
public final class BundleFile: @unchecked Sendable {
    private let handle: FileHandle
    /// The size of the pieces ``next()`` reads.
    public static let pieceSize = 64 * 1024

    /// Opens the bundle of `installment` in `directory`.
    /// - Throws: ``InstallmentBundleError/missing(requestID:number:file:)`` when the directory
    ///   does not hold the bundle recorded.
    public init(directory: URL, installment: Installment) throws(InstallmentBundleError) {
        let name = installment.file
        let missing = InstallmentBundleError.missing(requestID: installment.requestID, number: installment.number, file: name)
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else { throw missing }
        let url = directory.appendingPathComponent(name)
        guard let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber, size.int64Value == installment.bundleBytes,
            let handle = try? FileHandle(forReadingFrom: url)
        else { throw missing }
        self.handle = handle
    }

    /// The next piece; nil (and the file closed) at its end.
    public func next() throws -> ArraySlice<UInt8>? {
        guard let data = try handle.read(upToCount: Self.pieceSize), !data.isEmpty else {
            try? handle.close()
            return nil
        }
        return ArraySlice(data)
    }

    deinit { try? handle.close() }
}

/// Why an installment's bundle cannot be downloaded.
public enum InstallmentBundleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The export directory does not hold the bundle as recorded (absent, or another size).
    case missing(requestID: String, number: Int, file: String)

    public var description: String {
        switch self {
        case .missing(let requestID, let number, let file):
            "the bundle of installment \(number) of \(requestID) (\(file)) is not in the export directory as recorded: "
                + "restore it from a backup of RECORDKEEPER_EXPORT_DIR, or produce another installment"
        }
    }
}
