/// Why the chat refused a message. The description is safe to show and to log: it never holds the
/// message itself.
public struct ChatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The message is longer than `ChatConfiguration.maximumMessageBytes`.
        case messageTooLong = "message_too_long"
        /// The message holds nothing but white space.
        case emptyMessage = "empty_message"
        /// The session id is empty or longer than `ChatConfiguration.maximumSessionIDBytes`.
        case invalidSession = "invalid_session"
    }

    /// The kind of refusal.
    public var code: Code
    /// What went wrong, without the message's text.
    public var description: String

    /// A refusal of kind `code`.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
