import Foundation
import NIOCore

/// How an ``SMTPClient`` reaches its server: address, TLS, credentials, timeouts, reply bounds and
/// the default envelope. ``description`` never shows the password.
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    /// Whether and how the connection is encrypted.
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP; STARTTLS is never tried.
        case none
        /// STARTTLS (RFC 3207) is required: sending fails if the server does not offer it.
        case startTLS
        /// STARTTLS when the server offers it, else plain TCP (opportunistic).
        case startTLSIfAvailable
        /// TLS from the first byte ("implicit TLS", RFC 8314), usually on port 465.
        case tls
    }

    /// Which certificate authorities the client trusts.
    public enum TrustRoots: Sendable, Hashable {
        /// The system's default roots.
        case system
        /// The PEM certificates in a file.
        case file(String)
    }

    /// The server's host name or IP address.
    public var host: String
    /// The server's port: 25 by default, 465 for ``Security/tls``.
    public var port: Int
    /// Whether and how TLS is used.
    public var security: Security
    /// The certificate authorities trusted for the server's certificate.
    public var trustRoots: TrustRoots
    /// Whether the server's certificate and name are checked (turn off only for tests).
    public var verifyCertificate: Bool
    /// The name checked in the server's certificate and sent in SNI; `host` when `nil`.
    public var tlsServerName: String?
    /// The user name for AUTH, or `nil` to send without authenticating.
    public var username: String?
    /// The password for AUTH; a secret, never logged or shown.
    public var password: String?
    /// Whether credentials may be sent without TLS (only for a trusted local server).
    public var allowsInsecureAuthentication: Bool
    /// The domain sent with EHLO/HELO and used for generated Message-IDs.
    public var heloName: String
    /// Time allowed for the TCP connection.
    public var connectTimeout: TimeAmount
    /// Time allowed for each reply, the greeting and the TLS handshake included. RFC 5321 §4.5.3.2
    /// suggests minutes for a relay; a submission client waiting on a live server can give up sooner.
    public var commandTimeout: TimeAmount
    /// The longest reply line accepted, in octets (RFC 5321 §4.5.3.1.5 says 512; servers exceed it).
    public var maximumReplyLineLength: Int
    /// The most lines one reply may have.
    public var maximumReplyLines: Int
    /// The default sender for ``SMTPClient/send(subject:body:)``, such as `OneCall <onecall@example.com>`.
    public var from: String?
    /// The default recipients for ``SMTPClient/send(subject:body:)``.
    public var to: [String]

    /// Creates a configuration; `port` defaults to 465 for implicit TLS and 25 otherwise.
    public init(
        host: String, port: Int? = nil, security: Security = .startTLSIfAvailable, trustRoots: TrustRoots = .system,
        verifyCertificate: Bool = true, tlsServerName: String? = nil, username: String? = nil,
        password: String? = nil, allowsInsecureAuthentication: Bool = false, heloName: String? = nil,
        connectTimeout: TimeAmount = .seconds(10), commandTimeout: TimeAmount = .seconds(30),
        maximumReplyLineLength: Int = 2048, maximumReplyLines: Int = 100, from: String? = nil, to: [String] = []
    ) {
        self.host = host
        self.port = port ?? (security == .tls ? 465 : 25)
        self.security = security
        self.trustRoots = trustRoots
        self.verifyCertificate = verifyCertificate
        self.tlsServerName = tlsServerName
        self.username = username
        self.password = password
        self.allowsInsecureAuthentication = allowsInsecureAuthentication
        self.heloName = heloName ?? Self.defaultHeloName()
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maximumReplyLineLength = maximumReplyLineLength
        self.maximumReplyLines = maximumReplyLines
        self.from = from
        self.to = to
    }

    /// This machine's host name when it is a valid domain, else `localhost`.
    public static func defaultHeloName() -> String {
        let name = ProcessInfo.processInfo.hostName
        return MailAddress.isValidDomain(Array(name.utf8)) ? name : "localhost"
    }

    /// Checks the settings; throws ``SMTPError/Code/invalidConfiguration`` naming the key and the reason.
    public func validate() throws(SMTPError) {
        func invalid(_ key: String, _ reason: String) -> SMTPError {
            SMTPError(.invalidConfiguration, "\(key): \(reason)")
        }
        guard !host.isEmpty, !host.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw invalid("host", "empty or holds white space")
        }
        guard (1...65535).contains(port) else { throw invalid("port", "must be 1 through 65535") }
        guard MailAddress.isValidDomain(Array(heloName.utf8)) else {
            throw invalid("heloName", "must be a domain name or an address literal")
        }
        guard (username == nil) == (password == nil) else {
            throw invalid("username/password", "give both or neither")
        }
        if let username, username.isEmpty || username.utf8.contains(0) {
            throw invalid("username", "empty or holds NUL")
        }
        if let password, password.utf8.contains(0) { throw invalid("password", "holds NUL") }
        guard connectTimeout.nanoseconds > 0 else { throw invalid("connectTimeout", "must be positive") }
        guard commandTimeout.nanoseconds > 0 else { throw invalid("commandTimeout", "must be positive") }
        guard (512...65536).contains(maximumReplyLineLength) else {
            throw invalid("maximumReplyLineLength", "must be 512 through 65536")
        }
        guard (1...1000).contains(maximumReplyLines) else {
            throw invalid("maximumReplyLines", "must be 1 through 1000")
        }
        if case .file(let path) = trustRoots, !FileManager.default.isReadableFile(atPath: path) {
            throw invalid("trustRoots", "cannot read \(path)")
        }
        do {
            if let from { _ = try MailAddress(parsing: from) }
            for address in to { _ = try MailAddress(parsing: address) }
        } catch {
            throw invalid("from/to", error.reason)
        }
    }

    /// The credentials for AUTH, when both parts are set.
    var credentials: SMTPClientStateMachine.Credentials? {
        guard let username, let password else { return nil }
        return SMTPClientStateMachine.Credentials(username: username, password: password)
    }

    public var description: String {
        var parts = [
            "host: \(host)", "port: \(port)", "security: \(security.rawValue)", "heloName: \(heloName)",
            "verifyCertificate: \(verifyCertificate)",
        ]
        if case .file(let path) = trustRoots { parts.append("trustRoots: \(path)") }
        if let username { parts.append("username: \(username)") }
        if password != nil { parts.append("password: <secret>") }
        return "SMTPConfiguration(\(parts.joined(separator: ", ")))"
    }
}
