import AsyncHTTPClient
import Crypto
import Foundation
import LocalTSA
import Testing
import Timestamping

/// The SHA-256 digest of a checkpoint text.
func checkpointDigest(_ text: String) -> [UInt8] {
    Array(SHA256.hash(data: Array(text.utf8)))
}

@Suite("Obtaining and verifying timestamps from a local openssl TSA")
struct LocalTSATests {
    let checkpoint = "ledger demo: head 7 = 3f2a…, 2026-01-01T00:00:00Z"

    @Test("a token from the TSA over HTTP verifies with the CA certificate; gen time is now, the nonce matches")
    func obtainAndVerify() async throws {
        try await LocalTSA.with { tsa in
            let digest = checkpointDigest(checkpoint)
            let client = TimestampAuthorityClient(url: tsa.url, httpClient: .shared, timeout: .seconds(30))
            let request = try TimestampRequest(sha256Digest: digest)
            let response = try await client.send(request)
            #expect(response.status.code == .granted)
            let token = try response.token(answering: request)
            #expect(token.nonce == request.nonce)
            #expect(token.messageImprint == digest)
            #expect(token.isSHA256)
            #expect(token.policy == LocalPKI.policy)
            #expect(!token.serialNumber.isEmpty)
            #expect(abs(token.generationTime.timeIntervalSinceNow) < 60)

            let verifier = try TimestampVerifier(trustedCertificatesFile: tsa.pki.caCertificate.path)
            let verified = try verifier.verify(token, sha256Digest: digest, expectedNonce: request.nonce)
            #expect(verified == token)
            #expect(try verifier.verify(response, answering: request) == token)
            // A stored token, re-read from its DER, verifies the same way (the nonce no longer known).
            #expect(try verifier.verify(tokenDER: token.der, sha256Digest: digest) == token)
            // The same trust given as PEM text, checked at the token's generation time.
            let pem = Array(try Data(contentsOf: tsa.pki.caCertificate))
            try TimestampVerifier(trustedCertificatesPEM: pem, certificateTime: .generationTime)
                .verify(token, sha256Digest: digest, expectedNonce: request.nonce)

            let other = try await client.timestamp(sha256Digest: digest)
            #expect(other.nonce != nil && other.nonce != token.nonce)
            #expect(other.serialNumber != token.serialNumber)
            try verifier.verify(other, sha256Digest: digest, expectedNonce: other.nonce)
        }
    }

    @Test("openssl ts -verify accepts the token too, and refuses it with the other CA")
    func opensslCrossCheck() async throws {
        try await LocalTSA.with { tsa in
            let digest = checkpointDigest(checkpoint)
            let client = TimestampAuthorityClient(url: tsa.url, httpClient: .shared, timeout: .seconds(30))
            let token = try await client.timestamp(sha256Digest: digest)
            let tokenFile = tsa.pki.file("token.der")
            try Data(token.der).write(to: tokenFile)

            let accepted = try await OpenSSLCommand.run(
                ["ts", "-verify", "-digest", hex(digest), "-in", tokenFile.path, "-token_in", "-CAfile", tsa.pki.caCertificate.path],
                in: tsa.pki.directory
            )
            #expect(accepted.status == 0, "\(accepted.errors)")
            #expect(accepted.output.contains("Verification: OK"))

            let refused = try await OpenSSLCommand.run(
                [
                    "ts", "-verify", "-digest", hex(digest), "-in", tokenFile.path, "-token_in",
                    "-CAfile", tsa.pki.otherCACertificate.path,
                ],
                in: tsa.pki.directory
            )
            #expect(refused.status != 0)

            // A whole reply from `openssl ts -reply`: its token is kept byte for byte, and
            // `openssl ts -verify` accepts the reply for the request's digest.
            let request = try TimestampRequest(sha256Digest: digest)
            let reply = try await tsa.pki.reply(to: request.der, config: tsa.pki.grantingConfig)
            let replyToken = try #require(try TimestampResponse(der: reply).token)
            #expect(Array(reply.suffix(replyToken.der.count)) == replyToken.der)
            try TimestampVerifier(trustedCertificatesFile: tsa.pki.caCertificate.path)
                .verify(replyToken, sha256Digest: digest, expectedNonce: request.nonce)
            let replyFile = tsa.pki.file("reply.tsr")
            try Data(reply).write(to: replyFile)
            let replyAccepted = try await OpenSSLCommand.run(
                ["ts", "-verify", "-digest", hex(digest), "-in", replyFile.path, "-CAfile", tsa.pki.caCertificate.path],
                in: tsa.pki.directory
            )
            #expect(replyAccepted.status == 0, "\(replyAccepted.errors)")

            // What openssl prints of the token is what the token's properties say.
            let text = try await OpenSSLCommand.check(["ts", "-reply", "-in", tokenFile.path, "-token_in", "-text"], in: tsa.pki.directory)
            #expect(text.output.contains("Nonce: 0x\(opensslHex(token.nonce ?? 0))"))
            #expect(text.output.contains("Policy OID: \(LocalPKI.policy)"))
            #expect(text.output.lowercased().contains("serial number: 0x\(token.serialNumber)"))
        }
    }

    @Test("verification fails clearly for another digest, another CA, a wrong nonce and a corrupted token")
    func verificationFailures() async throws {
        try await LocalTSA.with { tsa in
            let digest = checkpointDigest(checkpoint)
            let client = TimestampAuthorityClient(url: tsa.url, httpClient: .shared, timeout: .seconds(30))
            let token = try await client.timestamp(sha256Digest: digest)
            let verifier = try TimestampVerifier(trustedCertificatesFile: tsa.pki.caCertificate.path)

            let otherDigest = checkpointDigest(checkpoint + " (edited)")
            let imprint = #expect(throws: TimestampError.self) { try verifier.verify(token, sha256Digest: otherDigest) }
            #expect(imprint?.code == "imprint_mismatch")
            #expect(imprint?.description.contains("does not match the digest of the stamped data") == true)

            let otherCA = try TimestampVerifier(trustedCertificatesFile: tsa.pki.otherCACertificate.path)
            let untrusted = #expect(throws: TimestampError.self) { try otherCA.verify(token, sha256Digest: digest) }
            #expect(untrusted?.code == "untrusted_certificate")
            #expect(untrusted?.description.contains("does not chain to the trusted CA") == true)
            // The token carries the TSA's own CA certificate, which OpenSSL rightly does not trust.
            #expect(untrusted?.description.contains("Verify error:self-signed certificate in certificate chain") == true)

            // A token checked against a request it does not answer.
            let nonce = #expect(throws: TimestampError.self) {
                try verifier.verify(token, sha256Digest: digest, expectedNonce: token.nonce! &+ 1)
            }
            #expect(nonce == .nonceMismatch(expected: token.nonce! &+ 1, found: token.nonce))

            // The last bytes are the signature value: flipping one breaks the signature.
            var flipped = token.der
            flipped[flipped.count - 1] ^= 0x01
            let signature = #expect(throws: TimestampError.self) { try verifier.verify(tokenDER: flipped, sha256Digest: digest) }
            #expect(signature?.code == "invalid_signature")

            // The signed content changed (the imprint inside the TSTInfo): the signature no longer covers it.
            var altered = token.der
            let start = try #require(firstRange(of: digest, in: altered))
            altered[start] ^= 0x01
            let content = #expect(throws: TimestampError.self) { try verifier.verify(tokenDER: altered, sha256Digest: digest) }
            #expect(content?.code == "invalid_signature")

            let truncated = #expect(throws: TimestampError.self) {
                try verifier.verify(tokenDER: Array(token.der.prefix(token.der.count / 2)), sha256Digest: digest)
            }
            #expect(truncated?.code == "malformed_token")
            #expect(truncated?.description.contains("OpenSSL:") == true)
            #expect(throws: TimestampError.self) { try TimestampToken(der: token.der + [0]) }
        }
    }

    @Test("a token signed by a certificate without the timeStamping extended key usage is refused")
    func wrongKeyUsage() async throws {
        try await LocalTSA.with { tsa in
            let digest = checkpointDigest(checkpoint)
            let client = TimestampAuthorityClient(url: tsa.url, httpClient: .shared, timeout: .seconds(30))
            let token = try await client.timestamp(sha256Digest: digest)
            // Re-sign the genuine TSTInfo with a certificate of the same CA that is not a TSA's.
            let directory = tsa.pki.directory
            try Data(token.der).write(to: tsa.pki.file("genuine.der"))
            try await OpenSSLCommand.check(
                ["cms", "-verify", "-noverify", "-inform", "DER", "-in", "genuine.der", "-binary", "-out", "tstinfo.der"], in: directory
            )
            try await OpenSSLCommand.check(
                [
                    "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-econtent_type", "1.2.840.113549.1.9.16.1.4",
                    "-in", "tstinfo.der", "-signer", "not-tsa.pem", "-inkey", "not-tsa.key", "-md", "sha256",
                    "-nosmimecap", "-cades", "-out", "forged.der",
                ],
                in: directory
            )
            let forged = Array(try Data(contentsOf: tsa.pki.file("forged.der")))
            let verifier = try TimestampVerifier(trustedCertificatesFile: tsa.pki.caCertificate.path)
            let error = #expect(throws: TimestampError.self) { try verifier.verify(tokenDER: forged, sha256Digest: digest) }
            #expect(error?.code == "not_timestamping_certificate")
        }
    }

    @Test("a TSA that rejects, fails, answers garbage, HTML or another request's token gives a typed error")
    func misbehavingTSA() async throws {
        try await LocalTSA.with { tsa in
            let digest = checkpointDigest(checkpoint)
            func client(_ url: String, timeout: Duration = .seconds(30)) -> TimestampAuthorityClient {
                TimestampAuthorityClient(url: url, httpClient: .shared, timeout: timeout)
            }

            let rejected = await #expect(throws: TimestampError.self) { try await client(tsa.rejectingURL).timestamp(sha256Digest: digest) }
            guard case .rejected(let status)? = rejected else {
                Issue.record("expected a rejection, got \(String(describing: rejected))")
                return
            }
            #expect(status.code == .rejection)
            #expect(status.failureInfo == [.badAlgorithm])
            #expect(status.text == ["Message digest algorithm is not supported."])
            #expect(rejected?.description.contains("refused") == true)

            let failing = await #expect(throws: TimestampError.self) { try await client(tsa.failingURL).timestamp(sha256Digest: digest) }
            #expect(failing == .httpStatus(url: tsa.failingURL, status: 500, body: "the TSA is down for maintenance"))

            let garbage = await #expect(throws: TimestampError.self) { try await client(tsa.garbageURL).timestamp(sha256Digest: digest) }
            #expect(garbage?.code == "malformed_response")

            let html = await #expect(throws: TimestampError.self) { try await client(tsa.htmlURL).timestamp(sha256Digest: digest) }
            #expect(html == .unexpectedContentType(url: tsa.htmlURL, contentType: "text/html; charset=utf-8"))

            // A granted, genuine answer to another query: caught without any CA certificate.
            let otherData = await #expect(throws: TimestampError.self) { try await client(tsa.replayURL).timestamp(sha256Digest: digest) }
            #expect(otherData?.code == "imprint_mismatch")
            let replayed = await #expect(throws: TimestampError.self) {
                try await client(tsa.replayURL).timestamp(sha256Digest: LocalTSA.replayedDigest)
            }
            #expect(replayed?.code == "nonce_mismatch")

            let slow = await #expect(throws: TimestampError.self) {
                try await client(tsa.slowURL, timeout: .milliseconds(300)).timestamp(sha256Digest: digest)
            }
            #expect(slow == .transport(url: tsa.slowURL, reason: "no complete answer within 0.3 seconds"))

            let unreachable = await #expect(throws: TimestampError.self) {
                try await client("http://127.0.0.1:1/tsr", timeout: .seconds(2)).timestamp(sha256Digest: digest)
            }
            #expect(unreachable?.code == "transport")
        }
    }
}

@Suite("Time-stamp requests and verifier set-up")
struct RequestTests {
    @Test("the request is what openssl reads: SHA-256 imprint, the nonce, certReq", arguments: [UInt64(0x0123_4567_89ab_cdef), 0xfedc_ba98_7654_3210])
    func requestMatchesOpenSSL(nonce: UInt64) async throws {
        let digest = checkpointDigest("checkpoint")
        let request = try TimestampRequest(sha256Digest: digest, nonce: nonce)
        #expect(request.nonce == nonce)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tsq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(request.der).write(to: directory.appendingPathComponent("request.tsq"))
        let text = try await OpenSSLCommand.check(["ts", "-query", "-in", "request.tsq", "-text"], in: directory).output
        #expect(text.contains("Version: 1"))
        #expect(text.contains("Hash Algorithm: sha256"))
        #expect(text.contains("Nonce: 0x\(opensslHex(nonce))"))
        #expect(text.contains("Certificate required: yes"))
        #expect(text.contains("Policy OID: unspecified"))
        #expect(text.contains(hex(Array(digest.prefix(8))).chunked))
    }

    @Test("a digest must be 32 bytes")
    func digestLength() {
        #expect(throws: TimestampError.invalidDigestLength(31)) { try TimestampRequest(sha256Digest: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: TimestampError.invalidDigestLength(0)) { try TimestampRequest(sha256Digest: []) }
    }

    @Test("garbage is neither a response nor a token")
    func garbage() {
        let response = #expect(throws: TimestampError.self) { try TimestampResponse(der: Array("garbage".utf8)) }
        #expect(response?.code == "malformed_response")
        let empty = #expect(throws: TimestampError.self) { try TimestampToken(der: []) }
        #expect(empty?.code == "malformed_token")
    }

    @Test("the verifier needs a readable file with a PEM certificate")
    func verifierSetUp() {
        let notPEM = #expect(throws: TimestampError.self) { try TimestampVerifier(trustedCertificatesPEM: Array("not a certificate".utf8)) }
        #expect(notPEM?.code == "invalid_certificates")
        let missing = #expect(throws: TimestampError.self) { try TimestampVerifier(trustedCertificatesFile: "/nonexistent/ca.pem") }
        #expect(missing?.code == "unreadable_file")
        #expect(missing?.description.contains("/nonexistent/ca.pem") == true)
    }
}

/// An integer as openssl prints it: upper-case hexadecimal in whole bytes.
func opensslHex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return digits.count % 2 == 0 ? digits : "0" + digits
}

/// Where `needle` first occurs in `haystack`.
func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
}

extension String {
    /// `"0a1b2c"` as openssl's hex dump writes it: `"0a 1b 2c"`.
    var chunked: String {
        var out = ""
        for (index, character) in enumerated() {
            if index > 0 && index % 2 == 0 { out.append(" ") }
            out.append(character)
        }
        return out
    }
}
