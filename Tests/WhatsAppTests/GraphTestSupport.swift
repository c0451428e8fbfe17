import AsyncHTTPClient
import TestGraphServer
import WhatsApp

/// A client for the fake Graph API, with its token unless told otherwise.
func graphClient(
    _ graph: TestGraphServer, token: String = TestGraphServer.accessToken,
    requestTimeout: Duration = .seconds(10), downloadTimeout: Duration = .seconds(10)
) throws -> GraphMediaClient {
    let configuration = try GraphAPIConfiguration(
        baseURL: graph.baseURL, accessToken: token, requestTimeout: requestTimeout, downloadTimeout: downloadTimeout
    )
    return GraphMediaClient(configuration: configuration, httpClient: .shared)
}

/// The Graph error `body` throws, or nil when it throws something else or nothing.
func graphError(_ body: () async throws -> some Any) async -> GraphError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? GraphError
    }
}

/// Bytes that look like a small photo (not compressible, not text).
func sampleMedia(_ count: Int = 4096) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
}
