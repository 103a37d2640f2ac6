import Foundation
import OneCallAgent
import OneCallCore
import OneCallMail

/// Ticket e-mail over SMTP: a transient SMTP failure (no connection, a timeout, a 4xx reply)
/// becomes a retry, a permanent one (5xx, bad credentials) a failed action.
struct SMTPMailSender: MailSender {
    let client: SMTPClient
    let from: MailAddress
    let to: [MailAddress]

    init(configuration: SMTPConfiguration) throws(SMTPError) {
        try configuration.validate()
        self.client = SMTPClient(configuration: configuration)
        self.from = try MailAddress(parsing: configuration.from ?? "onecall@localhost")
        var to: [MailAddress] = []
        for address in configuration.to { to.append(try MailAddress(parsing: address)) }
        self.to = to
    }

    func send(_ mail: TicketMail) async throws -> JSONObject {
        let message = MailMessage(
            from: from, to: to, subject: mail.subject, body: mail.body, date: Date(), messageID: mail.messageID)
        let receipt: SMTPReceipt
        do {
            receipt = try await client.send(message)
        } catch let error as SMTPError {
            throw ActionFailure("SMTP: \(error)", isTransient: error.isTransient)
        }
        var result: JSONObject = [
            "reply": .string(receipt.finalReplyText),
            "accepted": .array(receipt.acceptedRecipients.map(JSONValue.string)),
        ]
        if !receipt.refusedRecipients.isEmpty {
            result["refused"] = .array(receipt.refusedRecipients.map { .string($0.address) })
        }
        result["tls"] = .bool(receipt.usedTLS)
        result["smtp_ms"] = .double(
            Double(receipt.totalDuration.components.seconds) * 1000
                + Double(receipt.totalDuration.components.attoseconds) / 1e15)
        return result
    }
}
