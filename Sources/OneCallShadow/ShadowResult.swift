import OneCallCore

/// What one request did: whether the stored record changes, the reply (accepted document or error),
/// and for an accepted update the `/delta` and `/documents` documents. The app stores ``change``,
/// then publishes ``messages(via:)`` or answers the REST call with ``httpStatus`` and ``body``.
public struct ShadowResult: Sendable, Hashable {
    /// What the store must do.
    public enum Change: Sendable, Hashable {
        /// Nothing to write.
        case none
        /// Replace the stored record with this one (a new document, or a deletion).
        case store(ShadowRecord)
    }

    /// The reply to the requester.
    public enum Reply: Sendable, Hashable {
        /// The `/accepted` document (the REST body with status 200).
        case accepted(JSONValue)
        /// The error (the `/rejected` document, or the REST status and body).
        case rejected(ShadowError)
    }

    /// How the request arrived, which decides what is published.
    public enum Transport: Sendable, Hashable {
        /// On a `$aws/things/…` request topic: every reply is published.
        case mqtt
        /// Through the REST API: the reply is the HTTP response; accepted updates and deletes still
        /// publish their `/accepted`, `/delta` and `/documents` messages; errors publish nothing.
        case http
    }

    /// The request answered.
    public var request: ShadowRequest
    /// What the store must do.
    public var change: Change
    /// The reply to the requester.
    public var reply: Reply
    /// The `/update/delta` document, when an accepted update leaves a non-empty delta.
    public var delta: JSONValue?
    /// The `/update/documents` document, after an accepted update.
    public var documents: JSONValue?
    /// When the request was answered, in epoch seconds.
    public var timestamp: Int64

    /// A result from its parts.
    public init(
        request: ShadowRequest, change: Change = .none, reply: Reply, delta: JSONValue? = nil,
        documents: JSONValue? = nil, timestamp: Int64
    ) {
        self.request = request
        self.change = change
        self.reply = reply
        self.delta = delta
        self.documents = documents
        self.timestamp = timestamp
    }

    /// The error, when the request was rejected.
    public var error: ShadowError? {
        if case .rejected(let error) = reply { return error }
        return nil
    }

    /// Whether the request was accepted.
    public var isAccepted: Bool { error == nil }

    /// The REST status: 200, or the error's code.
    public var httpStatus: Int { error?.httpStatus ?? 200 }

    /// The reply document as JSON: the accepted document or the error document.
    public var replyDocument: JSONValue {
        switch reply {
        case .accepted(let document): return document
        case .rejected(let error): return error.payload(timestamp: timestamp)
        }
    }

    /// The REST response body, and the `/accepted` or `/rejected` payload.
    public var body: [UInt8] { replyDocument.jsonBytes }

    /// The messages to publish, in order: the `/accepted` or `/rejected` reply, then `/delta` and
    /// `/documents` after an accepted update. A REST request publishes no `/rejected` reply and no
    /// `/get/accepted`, since its caller receives the HTTP response instead.
    public func messages(via transport: Transport = .mqtt) -> [ShadowMessage] {
        let id = request.id
        let operation = request.operation
        var messages: [ShadowMessage] = []
        switch reply {
        case .rejected(let error):
            guard transport == .mqtt else { return [] }
            let topic = ShadowTopic.reply(.rejected, to: operation, for: id)
            messages.append(ShadowMessage(topic: topic, payload: error.payload(timestamp: timestamp).jsonBytes))
        case .accepted(let document):
            if transport == .mqtt || operation != .get {
                let topic = ShadowTopic.reply(.accepted, to: operation, for: id)
                messages.append(ShadowMessage(topic: topic, payload: document.jsonBytes))
            }
            if let delta {
                messages.append(
                    ShadowMessage(topic: ShadowTopic.reply(.delta, to: operation, for: id), payload: delta.jsonBytes))
            }
            if let documents {
                messages.append(
                    ShadowMessage(
                        topic: ShadowTopic.reply(.documents, to: operation, for: id), payload: documents.jsonBytes))
            }
        }
        return messages
    }
}
