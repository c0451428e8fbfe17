extension Sequence where Element: Sendable {
    /// Runs `transform` on every element, at most `limit` at a time, each in a child task.
    ///
    /// A new element starts only when one in progress has finished, so no more than `limit` run
    /// at once; this returns when every one has finished (or, when the caller is cancelled, when
    /// every one started has ended).
    /// - Parameters:
    ///   - limit: the most at once (at least 1).
    ///   - transform: the work for one element; `nil` leaves it out of the result.
    /// - Returns: the non-`nil` results, in the order they finished.
    public func concurrentCompactMap<Result: Sendable>(
        atMost limit: Int, _ transform: @escaping @Sendable (Element) async -> Result?
    ) async -> [Result] {
        let limit = Swift.max(1, limit)
        return await withTaskGroup(of: Result?.self) { group in
            var results: [Result] = []
            var running = 0
            for element in self {
                if running == limit, let finished = await group.next() {
                    running -= 1
                    if let finished { results.append(finished) }
                }
                group.addTask { await transform(element) }
                running += 1
            }
            for await finished in group {
                if let finished { results.append(finished) }
            }
            return results
        }
    }
}
