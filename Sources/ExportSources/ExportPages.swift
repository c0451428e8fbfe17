public import Exports

/// Writes the messages at `positions` into a bundle a page at a time: the next page is read from
/// the database while the current one is written, so memory is bounded by two pages.
public enum ExportPages {
    /// Reads and writes every position (ascending) with `decisions`, then finishes the bundle.
    /// On any error the writer is cancelled (no file is left) and the error rethrown.
    /// - Parameter progress: called after each page with (messages written, messages in all).
    public static func write(
        _ positions: [Int64], reader: ExportMessageReader, decisions: ExportReleaseDecisions, into writer: ExportBundleWriter,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> ExportSummary {
        do {
            let size = ExportMessageReader.pageSize
            let pages = stride(from: 0, to: positions.count, by: size).map { Array(positions[$0..<min($0 + size, positions.count)]) }
            var current = pages.isEmpty ? [] : try await reader.page(pages[0], decisions: decisions)
            var written = 0
            for index in pages.indices {
                async let upcoming = index + 1 < pages.count ? reader.page(pages[index + 1], decisions: decisions) : []
                for prepared in current { try writer.add(try await reader.withMedia(prepared)) }
                written += pages[index].count
                progress?(written, positions.count)
                current = try await upcoming
            }
            return try writer.finish()
        } catch {
            writer.cancel()
            throw error
        }
    }
}
