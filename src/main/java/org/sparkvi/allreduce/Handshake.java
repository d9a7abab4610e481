package org.sparkvi.allreduce;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Who is on the other end of a connection: the stage and stage attempt it belongs to, its rank and the number of
 * ranks. A connection whose stage, attempt or group size differ from the acceptor's (left over from a failed attempt,
 * or from another job) is refused, so an all-reduce never mixes the numbers of two attempts.
 */
public record Handshake(int stageId, int attempt, int rank, int ranks) {
    static final int MAGIC = 0x53564152; // "SVAR"
    static final int BYTES = 5 * Integer.BYTES;
    static final int ACCEPTED = 1;
    static final int REFUSED = 2;

    public Handshake {
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank " + rank + " of " + ranks);
        }
    }

    /** The same stage attempt and group, another rank. */
    public Handshake withRank(int r) {
        return new Handshake(stageId, attempt, r, ranks);
    }

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.putInt(MAGIC).putInt(stageId).putInt(attempt).putInt(rank).putInt(ranks).flip();
        return b;
    }

    static Handshake read(DataInputStream in) throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC) {
            throw new IOException("not an all-reduce peer (magic " + Integer.toHexString(magic) + ")");
        }
        int stage = in.readInt();
        int attempt = in.readInt();
        int rank = in.readInt();
        int ranks = in.readInt();
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IOException("a peer announced rank " + rank + " of " + ranks);
        }
        return new Handshake(stage, attempt, rank, ranks);
    }

    /** Why this acceptor refuses {@code peer}, or null if it belongs to the same stage attempt and group. */
    String refusal(Handshake peer) {
        if (peer.stageId != stageId || peer.attempt != attempt) {
            return "stage " + peer.stageId + " attempt " + peer.attempt + " is not this all-reduce's stage " + stageId
                    + " attempt " + attempt;
        }
        if (peer.ranks != ranks) {
            return "a group of " + peer.ranks + " ranks is not this group of " + ranks;
        }
        if (peer.rank == rank) {
            return "rank " + rank + " connected to itself";
        }
        return null;
    }

    @Override
    public String toString() {
        return "stage " + stageId + " attempt " + attempt + " rank " + rank + " of " + ranks;
    }
}
