/// The three things a client can ask of a shadow; each is also the request topic's last level.
public enum ShadowOperation: String, Sendable, Hashable, CaseIterable {
    /// Read the whole document, with its delta.
    case get
    /// Create the shadow or merge a partial state into it.
    case update
    /// Remove the shadow.
    case delete
}
