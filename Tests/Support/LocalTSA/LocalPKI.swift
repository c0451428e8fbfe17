public import Foundation

/// A throwaway PKI made with the `openssl` command in a temporary directory: a CA, a TSA
/// certificate it issued (extended key usage critical `timeStamping`), a second unrelated CA,
/// a certificate of the first CA without the time-stamping usage, and `openssl ts` configurations.
public struct LocalPKI: Sendable {
    public let directory: URL

    public var caCertificate: URL { file("ca.pem") }
    public var otherCACertificate: URL { file("other-ca.pem") }
    public var tsaCertificate: URL { file("tsa.pem") }
    /// A TSA configuration that grants SHA-256 requests.
    public var grantingConfig: URL { file("tsa.cnf") }
    /// A TSA configuration that accepts only SHA-512 imprints, so it rejects our requests.
    public var rejectingConfig: URL { file("tsa-sha512-only.cnf") }
    public static let policy = "1.3.6.1.4.1.99999.1.1"

    public func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    public static func create() async throws -> LocalPKI {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tsa-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pki = LocalPKI(directory: directory)
        try await pki.makeCA(name: "ca", subject: "/CN=Recordkeeper Test CA")
        try await pki.makeCA(name: "other-ca", subject: "/CN=Some Other CA")
        try await pki.issue(name: "tsa", subject: "/CN=Recordkeeper Test TSA", extendedKeyUsage: "critical,timeStamping")
        try await pki.issue(name: "not-tsa", subject: "/CN=Not A TSA", extendedKeyUsage: "serverAuth")
        try Data("01\n".utf8).write(to: pki.file("tsaserial"))
        try pki.writeConfig(to: pki.grantingConfig, digests: "sha256, sha384, sha512")
        try pki.writeConfig(to: pki.rejectingConfig, digests: "sha512")
        return pki
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `openssl ts -reply` for a DER query: the DER `TimeStampResp` the TSA would send.
    public func reply(to query: [UInt8], config: URL) async throws -> [UInt8] {
        let name = "q-\(UUID().uuidString)"
        let queryFile = file("\(name).tsq")
        let replyFile = file("\(name).tsr")
        defer {
            try? FileManager.default.removeItem(at: queryFile)
            try? FileManager.default.removeItem(at: replyFile)
        }
        try Data(query).write(to: queryFile)
        try await OpenSSLCommand.check(
            ["ts", "-reply", "-queryfile", queryFile.path, "-config", config.path, "-out", replyFile.path], in: directory
        )
        return Array(try Data(contentsOf: replyFile))
    }

    private func makeCA(name: String, subject: String) async throws {
        try await OpenSSLCommand.check(
            [
                "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "\(name).key", "-out", "\(name).pem", "-days", "2", "-subj", subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            in: directory
        )
    }

    private func issue(name: String, subject: String, extendedKeyUsage: String) async throws {
        try await OpenSSLCommand.check(
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject,
            ],
            in: directory
        )
        let extensions = """
            basicConstraints = CA:FALSE
            keyUsage = critical,digitalSignature
            extendedKeyUsage = \(extendedKeyUsage)
            subjectKeyIdentifier = hash
            authorityKeyIdentifier = keyid

            """
        try Data(extensions.utf8).write(to: file("\(name).ext"))
        try await OpenSSLCommand.check(
            [
                "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                String(UInt32.random(in: 2...UInt32.max)), "-days", "2", "-extfile", "\(name).ext", "-out", "\(name).pem",
            ],
            in: directory
        )
    }

    private func writeConfig(to url: URL, digests: String) throws {
        let config = """
            [ tsa ]
            default_tsa = tsa_config

            [ tsa_config ]
            dir = \(directory.path)
            serial = $dir/tsaserial
            crypto_device = builtin
            signer_cert = $dir/tsa.pem
            certs = $dir/ca.pem
            signer_key = $dir/tsa.key
            signer_digest = sha256
            default_policy = \(Self.policy)
            other_policies = 1.2.3.4.5
            digests = \(digests)
            accuracy = secs:1, millisecs:500, microsecs:100
            clock_precision_digits = 3
            ordering = yes
            tsa_name = yes
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256

            """
        try Data(config.utf8).write(to: url)
    }
}
