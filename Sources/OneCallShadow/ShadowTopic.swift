/// The reserved MQTT topics of the Device Shadow service ("Device Shadow MQTT topics"): requests on
/// `$aws/things/{thing}/shadow/{operation}` (classic) and
/// `$aws/things/{thing}/shadow/name/{shadow}/{operation}` (named); replies on the request topic plus
/// `/accepted`, `/rejected`, and for updates `/delta` and `/documents`.
public enum ShadowTopic {
    /// The reply published after a request.
    public enum Reply: String, Sendable, Hashable, CaseIterable {
        /// The request succeeded.
        case accepted
        /// The request failed; the payload is an error document.
        case rejected
        /// After an update, the desired state that differs from the reported state.
        case delta
        /// After an update, the document before and after.
        case documents
    }

    /// The filters the service subscribes to so that it receives every request and none of its own
    /// replies: one level after `shadow/` (classic) or three after it (named).
    public static let subscriptionFilters = ["$aws/things/+/shadow/+", "$aws/things/+/shadow/name/+/+"]

    /// `$aws/things/{thing}/shadow` or `$aws/things/{thing}/shadow/name/{shadow}`.
    public static func prefix(for id: ShadowID) -> String {
        guard let shadowName = id.shadowName else { return "$aws/things/\(id.thingName)/shadow" }
        return "$aws/things/\(id.thingName)/shadow/name/\(shadowName)"
    }

    /// The topic a client publishes `operation` requests to.
    public static func request(_ operation: ShadowOperation, for id: ShadowID) -> String {
        "\(prefix(for: id))/\(operation.rawValue)"
    }

    /// The topic `reply` to `operation` is published on, such as `…/update/delta`.
    public static func reply(_ reply: Reply, to operation: ShadowOperation, for id: ShadowID) -> String {
        "\(prefix(for: id))/\(operation.rawValue)/\(reply.rawValue)"
    }
}
