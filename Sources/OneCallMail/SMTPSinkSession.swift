/// The server side of one SMTP conversation in an ``SMTPSink`` (RFC 5321 §4.1, §4.3.2), as a value:
/// it takes framed lines and returns the replies to write, messages to store, or the end of the
/// connection. It speaks EHLO/HELO, MAIL, RCPT, DATA (with dot-unstuffing), RSET, NOOP, VRFY, HELP
/// and QUIT, and enforces the sink's bounds.
struct SMTPSinkSession: Sendable {
    /// What the connection must do.
    enum Output: Sendable, Hashable {
        /// Write this reply.
        case reply(SMTPReply)
        /// Store this message, then reply 250 (or 451 if storing failed).
        case deliver(sender: String, recipients: [String], clientName: String, data: [UInt8])
        /// Close the connection after the replies before it.
        case close
    }

    private struct Transaction: Sendable {
        var sender: String
        var recipients: [String] = []
    }

    private struct Data: Sendable {
        var transaction: Transaction
        var content: [UInt8] = []
        var tooLarge = false
        var lineTooLong = false
    }

    private enum State: Sendable {
        case command(Transaction?)
        case data(Data)
        case closed
    }

    private let configuration: SMTPSinkConfiguration
    private var state = State.command(nil)
    private var clientName: String?
    private var errors = 0

    init(configuration: SMTPSinkConfiguration) {
        self.configuration = configuration
    }

    /// The opening reply.
    var greeting: SMTPReply { SMTPReply(220, "\(configuration.hostname) ESMTP OneCall sink ready") }

    /// The reply to a connection over the limit, which is then closed.
    var busy: [Output] {
        [.reply(SMTPReply(421, "\(configuration.hostname) too many connections, try later")), .close]
    }

    /// Takes one framed line.
    mutating func receive(_ line: SMTPLineFramer.Line) -> [Output] {
        switch state {
        case .closed:
            return []
        case .data(var data):
            return receiveData(line, &data)
        case .command(let transaction):
            guard case .line(let bytes) = line else {
                return error(500, "Line too long")
            }
            return command(String(decoding: bytes, as: UTF8.self), transaction)
        }
    }

    /// The connection was silent for too long.
    mutating func idleTimedOut() -> [Output] {
        state = .closed
        return [.reply(SMTPReply(421, "\(configuration.hostname) idle too long, closing connection")), .close]
    }

    // MARK: Commands

    private mutating func command(_ line: String, _ transaction: Transaction?) -> [Output] {
        let verbEnd = line.firstIndex(of: " ") ?? line.endIndex
        let verb = line[..<verbEnd].uppercased()
        let argument = String(line[verbEnd...].drop { $0 == " " })
        switch verb {
        case "EHLO", "HELO":
            guard !argument.isEmpty else { return error(501, "Syntax: \(verb) hostname") }
            clientName = argument
            state = .command(nil)
            if verb == "HELO" { return [.reply(SMTPReply(250, configuration.hostname))] }
            return [
                .reply(
                    SMTPReply(
                        code: 250,
                        lines: [
                            "\(configuration.hostname) greets \(argument)", "SIZE \(configuration.maximumMessageSize)",
                            "8BITMIME", "HELP",
                        ]))
            ]
        case "MAIL":
            guard clientName != nil else { return error(503, "Send EHLO or HELO first") }
            guard transaction == nil else { return error(503, "Nested MAIL command") }
            guard let (path, parameters) = Self.path(argument, keyword: "FROM:") else {
                return error(501, "Syntax: MAIL FROM:<address>")
            }
            for parameter in parameters {
                let parts = parameter.split(separator: "=", maxSplits: 1)
                switch parts[0].uppercased() {
                case "SIZE":
                    guard parts.count == 2, let size = Int(parts[1]) else { return error(501, "Bad SIZE parameter") }
                    if size > configuration.maximumMessageSize {
                        return [.reply(SMTPReply(552, "Message size exceeds fixed maximum message size"))]
                    }
                case "BODY", "SMTPUTF8":
                    continue
                default:
                    return error(555, "MAIL FROM parameters not recognized")
                }
            }
            state = .command(Transaction(sender: path))
            return [.reply(SMTPReply(250, "OK"))]
        case "RCPT":
            guard var transaction else { return error(503, "Need MAIL command") }
            guard let (path, parameters) = Self.path(argument, keyword: "TO:"), !path.isEmpty else {
                return error(501, "Syntax: RCPT TO:<address>")
            }
            guard parameters.isEmpty else { return error(555, "RCPT TO parameters not recognized") }
            guard transaction.recipients.count < configuration.maximumRecipients else {
                return [.reply(SMTPReply(452, "Too many recipients"))]
            }
            if configuration.refusedRecipients.contains(path.lowercased()) {
                return [.reply(SMTPReply(550, "No such user here"))]
            }
            transaction.recipients.append(path)
            state = .command(transaction)
            return [.reply(SMTPReply(250, "OK"))]
        case "DATA":
            guard argument.isEmpty else { return error(501, "Syntax: DATA") }
            guard let transaction else { return error(503, "Need MAIL command") }
            guard !transaction.recipients.isEmpty else { return error(554, "No valid recipients") }
            state = .data(Data(transaction: transaction))
            return [.reply(SMTPReply(354, "End data with <CR><LF>.<CR><LF>"))]
        case "RSET":
            state = .command(nil)
            return [.reply(SMTPReply(250, "OK"))]
        case "NOOP":
            return [.reply(SMTPReply(250, "OK"))]
        case "VRFY":
            return [.reply(SMTPReply(252, "Cannot VRFY user, but will accept message and attempt delivery"))]
        case "HELP":
            return [.reply(SMTPReply(214, "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT"))]
        case "QUIT":
            state = .closed
            return [.reply(SMTPReply(221, "\(configuration.hostname) closing connection")), .close]
        case "EXPN", "STARTTLS", "AUTH", "TURN", "ETRN", "BDAT":
            return error(502, "Command not implemented")
        default:
            return error(500, "Command unrecognized")
        }
    }

    private mutating func receiveData(_ line: SMTPLineFramer.Line, _ data: inout Data) -> [Output] {
        guard case .line(let bytes) = line else {
            data.lineTooLong = true
            data.content = []
            state = .data(data)
            return []
        }
        guard let unstuffed = SMTPDotStuffing.unstuff(line: bytes) else {
            state = .command(nil)
            if data.lineTooLong {
                return [
                    .reply(SMTPReply(552, "Message has a line longer than \(configuration.maximumLineLength) octets"))
                ]
            }
            if data.tooLarge {
                return [.reply(SMTPReply(552, "Message size exceeds fixed maximum message size"))]
            }
            return [
                .deliver(
                    sender: data.transaction.sender, recipients: data.transaction.recipients,
                    clientName: clientName ?? "", data: data.content)
            ]
        }
        if !data.tooLarge && !data.lineTooLong {
            if data.content.count + unstuffed.count + 2 > configuration.maximumMessageSize {
                // Keep reading to the end marker, but keep nothing more.
                data.tooLarge = true
                data.content = []
            } else {
                data.content += unstuffed
                data.content += [13, 10]
            }
        }
        state = .data(data)
        return []
    }

    /// A refusal of a bad command; too many of them end the connection.
    private mutating func error(_ code: Int, _ text: String) -> [Output] {
        errors += 1
        if errors > configuration.maximumErrors {
            state = .closed
            return [.reply(SMTPReply(421, "\(configuration.hostname) too many errors, closing connection")), .close]
        }
        return [.reply(SMTPReply(code, text))]
    }

    /// Parses `FROM:<path> params…` or `TO:<path> params…` (the keyword without case, space after the
    /// colon tolerated, brackets optional); returns the path and the parameters.
    private static func path(_ argument: String, keyword: String) -> (String, [String])? {
        guard argument.uppercased().hasPrefix(keyword) else { return nil }
        var rest = Substring(argument.dropFirst(keyword.count)).drop { $0 == " " }
        let path: Substring
        if rest.first == "<" {
            guard let close = rest.firstIndex(of: ">") else { return nil }
            path = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
        } else {
            let end = rest.firstIndex(of: " ") ?? rest.endIndex
            path = rest[..<end]
            rest = rest[end...]
        }
        guard !path.contains(where: { $0 == " " || $0 == "<" || $0 == ">" }) else { return nil }
        return (String(path), rest.split(separator: " ").map(String.init))
    }
}
