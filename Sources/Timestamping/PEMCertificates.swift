import COpenSSL

/// Reads X.509 certificates from PEM text for OpenSSL.
enum PEMCertificates {
    /// Parses every `CERTIFICATE` block of `pem` and passes the certificates to `body`; they are
    /// freed when `body` returns (a store or stack that keeps one takes its own reference).
    /// - Parameter role: what the certificates are for, for the error message.
    /// - Throws: ``TimestampError/invalidCertificates(_:)`` when a block is damaged or, unless
    ///   `allowEmpty`, when there is no certificate at all.
    static func withCertificates<T>(
        _ pem: [UInt8], role: String, allowEmpty: Bool = false, _ body: ([OpaquePointer]) throws -> T
    ) throws -> T {
        var certificates: [OpaquePointer] = []
        defer { certificates.forEach { X509_free($0) } }
        if !pem.isEmpty {
            guard pem.count <= Int(Int32.max) else { throw TimestampError.invalidCertificates("the \(role) are too large") }
            try pem.withUnsafeBytes { raw in
                guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
                    throw TimestampError.invalidCertificates(OpenSSLErrorQueue.drainText(fallback: "BIO_new_mem_buf failed"))
                }
                defer { BIO_free(bio) }
                while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                    certificates.append(certificate)
                }
                // The loop ends with "no start line" once the text is used up; anything else is damage.
                let entries = OpenSSLErrorQueue.drain()
                let clean = entries.allSatisfy { $0.library == ERR_LIB_PEM && $0.reason == PEM_R_NO_START_LINE }
                guard clean else {
                    throw TimestampError.invalidCertificates(
                        "the \(role) hold a damaged PEM certificate block after \(certificates.count) good ones: "
                            + OpenSSLErrorQueue.text(of: entries, fallback: "")
                    )
                }
            }
        }
        guard !certificates.isEmpty || allowEmpty else {
            throw TimestampError.invalidCertificates(
                "the \(role) hold no PEM certificate: give the CA certificate as text starting with -----BEGIN CERTIFICATE-----"
            )
        }
        return try body(certificates)
    }
}
