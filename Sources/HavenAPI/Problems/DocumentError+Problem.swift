import HavenCore

extension DocumentError: ProblemConvertible {
    public var problem: Problem {
        switch self {
        case .tooLarge(let limit): Problem(.fileTooLarge, detail: "Files are at most \(limit) bytes.")
        case .quotaExceeded(let limit): Problem(.quotaExceeded, detail: "Your uploads may take up at most \(limit) bytes; delete some to make room.")
        case .refusedType(let detected):
            Problem(.fileTypeRefused, detail: "Detected: \(detected). Accepted: PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, RTF, plain text, CSV, PNG, JPEG, WebP.")
        case .uploadInProgress: Problem(.uploadInProgress)
        case .alreadyDecided: Problem(.alreadyModerated)
        case .rangeNotSatisfiable: Problem(.rangeNotSatisfiable)
        case .incompleteUpload(let reason): Problem(.incompleteUpload, detail: reason)
        case .infected(let signature): Problem(.fileInfected, detail: "The antivirus found \(signature) in the file; it was not stored.")
        case .scanFailed: Problem(.scanUnavailable, detail: "Files cannot be scanned for viruses right now, so none are accepted; try again later.")
        // Not the client's doing; details go to the log and the audit, not to the caller.
        case .integrityFailure, .masterKeyUnavailable: Problem(.internalError)
        }
    }
}
