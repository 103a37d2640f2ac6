import NIOConcurrencyHelpers
import OneCallMQTT

/// Who a connected client is, once authenticated.
public struct BrokerIdentity: Sendable, Equatable {
    /// The user name the access rules apply to (`nil` for an anonymous client).
    public var username: String?

    /// Creates an identity.
    public init(username: String?) { self.username = username }
}

/// The broker's authentication and authorisation policy: anonymous access, a password file, an
/// access control list and client-certificate identities.
public struct BrokerSecurity: Sendable {
    /// Whether clients without credentials may connect.
    public var allowAnonymous: Bool
    /// Users and their hashed passwords, if password authentication is configured.
    public var passwords: PasswordFile?
    /// Topic access rules, if configured; without them every client may use every topic.
    public var accessControl: AccessControlList?
    /// Password hashes kept elsewhere (the device registry), looked up by user name after the
    /// password file; a hash is in a `mosquitto_passwd` form.
    public var credentials: (@Sendable (String) -> String?)?
    /// Parsed credentials, kept so that their verified-password cache spares a reconnecting device
    /// the key derivation.
    let credentialFiles = CredentialFiles()

    /// Creates a policy; the default lets anyone connect and use any topic (local-only use).
    public init(
        allowAnonymous: Bool = true, passwords: PasswordFile? = nil, accessControl: AccessControlList? = nil,
        credentials: (@Sendable (String) -> String?)? = nil
    ) {
        self.allowAnonymous = allowAnonymous
        self.passwords = passwords
        self.accessControl = accessControl
        self.credentials = credentials
    }

    /// Decides whether a CONNECT is let in, and as whom. A certificate identity (the client
    /// certificate's subject CN on a listener that uses it) wins over the user name.
    func authenticate(
        username: String?, password: [UInt8]?, certificateIdentity: String?
    ) -> AuthenticationOutcome {
        if let certificateIdentity {
            return .accepted(BrokerIdentity(username: certificateIdentity))
        }
        if let username {
            if let passwords, passwords.contains(username) {
                guard let password, passwords.verify(username: username, password: password) else {
                    return .refused(.badUserNameOrPassword)
                }
                return .accepted(BrokerIdentity(username: username))
            }
            if let hash = credentials?(username) {
                guard let password, let file = credentialFiles.file(username: username, hash: hash),
                    file.verify(username: username, password: password)
                else { return .refused(.badUserNameOrPassword) }
                return .accepted(BrokerIdentity(username: username))
            }
            if passwords != nil { return .refused(.badUserNameOrPassword) }
            // No password file: the user name is taken as given, if anonymous access is allowed.
            return allowAnonymous ? .accepted(BrokerIdentity(username: username)) : .refused(.badUserNameOrPassword)
        }
        return allowAnonymous ? .accepted(BrokerIdentity(username: nil)) : .refused(.notAuthorized)
    }

    /// The access rules for one client, or `nil` when no access control list is configured.
    func rules(username: String?, clientIdentifier: String) -> AccessRules? {
        accessControl?.rules(username: username, clientIdentifier: clientIdentifier)
    }
}

/// Whether a CONNECT was let in, and as whom, or the reason it was refused.
enum AuthenticationOutcome {
    case accepted(BrokerIdentity)
    case refused(MQTTReasonCode)
}

/// One-user password files for credentials kept outside the password file, by user and hash; a
/// changed hash replaces the entry. Bounded: cleared beyond 100,000 users.
final class CredentialFiles: Sendable {
    private let files = NIOLockedValueBox<[String: (hash: String, file: PasswordFile)]>([:])

    func file(username: String, hash: String) -> PasswordFile? {
        if let entry = files.withLockedValue({ $0[username] }), entry.hash == hash { return entry.file }
        guard let file = try? PasswordFile(parsing: "\(username):\(hash)") else { return nil }
        files.withLockedValue { files in
            if files.count >= 100_000 { files.removeAll() }
            files[username] = (hash, file)
        }
        return file
    }
}
