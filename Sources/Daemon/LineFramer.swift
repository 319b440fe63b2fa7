import NIOCore

/// One framed input: a line without its newline, or the news that a line was too long.
enum FramedLine: Sendable {
    case line(ByteBuffer)
    /// A line exceeded the limit; its bytes were skipped up to the next newline, so the
    /// connection stays in step and usable.
    case tooLong(bytes: Int)
}

/// Splits a byte stream at `\n` (a trailing `\r` is dropped), never buffering more than
/// `maxLength` bytes of one line.
struct LineFramer: ByteToMessageDecoder {
    typealias InboundOut = FramedLine

    let maxLength: Int
    /// Bytes of an over-long line skipped so far; non-nil while skipping to its end.
    private var skipped: Int?

    init(maxLength: Int) {
        self.maxLength = maxLength
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        if let newline = view.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - view.startIndex
            if let skippedSoFar = skipped {
                buffer.moveReaderIndex(forwardBy: length + 1)
                skipped = nil
                context.fireChannelRead(Self.wrapInboundOut(.tooLong(bytes: skippedSoFar + length)))
                return .continue
            }
            if length > maxLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(Self.wrapInboundOut(.tooLong(bytes: length)))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") { line = line.getSlice(at: line.readerIndex, length: length - 1)! }
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
            return .continue
        }
        // No newline yet: once past the limit, stop buffering and skip to the line's end.
        if skipped != nil || view.count > maxLength {
            skipped = (skipped ?? 0) + view.count
            buffer.moveReaderIndex(forwardBy: view.count)
        }
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without a newline still counts.
        if buffer.readableBytes > 0 {
            let line = buffer.readSlice(length: buffer.readableBytes)!
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
        } else if let skippedSoFar = skipped {
            skipped = nil
            context.fireChannelRead(Self.wrapInboundOut(.tooLong(bytes: skippedSoFar)))
        }
        return .needMoreData
    }
}
