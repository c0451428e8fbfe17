/// Reads a ledger range by range, one range ahead of its caller: while the caller checks one
/// range, the next is read (on the same connection), so the database and the checker work at
/// the same time instead of taking turns.
///
/// Call ``finish()`` before the connection is given back: it waits for a read still in flight.
struct RangePrefetcher<Range: Sendable> {
    typealias Read = @Sendable (_ after: Int64, _ through: Int64) async throws -> Range

    private let last: Int64
    private let size: Int64
    private let read: Read
    private var after: Int64
    private var pending: (task: Task<Range, any Error>, through: Int64)?

    /// Ranges of `size` positions in `(after, last]`.
    init(after: Int64, last: Int64, size: Int, read: @escaping Read) {
        self.after = after
        self.last = last
        self.size = Int64(max(1, size))
        self.read = read
    }

    /// The next range and its last position; nil after `last`. Starts reading the one after.
    mutating func next() async throws -> (range: Range, through: Int64)? {
        if pending == nil { start() }
        guard let (task, through) = pending else { return nil }
        pending = nil
        let range = try await task.value
        after = through
        start()
        return (range, through)
    }

    /// Waits for a read still in flight, and drops its result.
    mutating func finish() async {
        guard let (task, _) = pending else { return }
        pending = nil
        _ = try? await task.value
    }

    private mutating func start() {
        guard after < last else { return }
        let (from, through, read) = (after, min(after + size, last), read)
        pending = (Task { try await read(from, through) }, through)
    }
}
