import OneCallCore
import OneCallStorage

/// Runs the workflow tools of the runbook for the dispatcher: `log_ticket` e-mails the ticket
/// (it was stored when it was opened), `call_operator` records a call request for the contact
/// center — in the same transaction that marks the action done, so a call is requested exactly
/// once — and `clear_fault` asks the device to clear its fault.
public struct WorkflowActionRunner: TicketActionRunning {
    private let mail: (any MailSender)?
    private let commander: (any DeviceCommander)?
    private let devices: any DeviceStore
    private let watch: FaultClearWatch
    private let clock: @Sendable () -> Double

    /// Without `mail`, tickets are not e-mailed (the action records that); without `commander`,
    /// `clear_fault` fails permanently.
    public init(
        mail: (any MailSender)?, commander: (any DeviceCommander)?, devices: any DeviceStore, watch: FaultClearWatch,
        clock: @escaping @Sendable () -> Double
    ) {
        self.mail = mail
        self.commander = commander
        self.devices = devices
        self.watch = watch
        self.clock = clock
    }

    public func run(_ action: TicketAction, of ticket: Ticket) async -> TicketActionOutcome {
        do {
            switch RunbookTool(rawValue: action.tool) {
            case .logTicket:
                guard let mail else {
                    return .done(
                        result: ["skipped": "no SMTP server is configured", "at": .double(clock())], call: nil)
                }
                let device = try? await devices.device(id: ticket.deviceID)
                let message = TicketMailComposer.compose(ticket, device: device, actionID: action.id)
                var receipt = try await mail.send(message)
                receipt["message_id"] = .string(message.messageID)
                receipt["at"] = .double(clock())
                return .done(result: receipt, call: nil)
            case .callOperator:
                let device = try? await devices.device(id: ticket.deviceID)
                let call = CallRequest(
                    id: UUIDText.random(), ticketID: ticket.uniqueID, actionID: action.id, deviceID: ticket.deviceID,
                    contactName: device?.siteOwner, contact: device?.siteOwnerContact,
                    message: TicketMailComposer.callMessage(ticket, device: device), createdAt: clock())
                return .done(
                    result: ["call_id": .string(call.id), "status": "requested", "at": .double(call.createdAt)],
                    call: call)
            case .clearFault:
                guard let commander else { return .failed(error: "no device commander is configured") }
                watch.watch(ticket.deviceID)
                var result = try await commander.clearFault(deviceID: ticket.deviceID, ticketID: ticket.uniqueID)
                result["at"] = .double(clock())
                return .done(result: result, call: nil)
            case nil:
                return .failed(error: "no tool named \(action.tool)")
            }
        } catch let failure as ActionFailure {
            return failure.isTransient
                ? .retry(error: failure.message, retryAt: clock()) : .failed(error: failure.message)
        } catch {
            return .retry(error: "\(error)", retryAt: clock())
        }
    }
}
