package id.ektp.hub.sandbox.packets;

import java.util.ArrayList;
import java.util.List;

/**
 * Which payload entries a packet holds and how large each is, so that all entries together (the
 * manifest included) come to about the spec's target size. Proportions follow a real enrollment:
 * face and irises large, ten fingerprints of middling size, a small signature.
 */
final class PayloadPlan {

    /** Below this target a packet is just demographics, a face and two fingers, like the benchmark's 8 KiB. */
    static final long SMALL_PACKET = 64 * 1024;

    static final byte[] JP2_SIGNATURE = {
            // JPEG 2000 signature box, then the start of its file type box ("ftyp jp2 ").
            0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, (byte) 0x87, 0x0A,
            0x00, 0x00, 0x00, 0x14, 0x66, 0x74, 0x79, 0x70, 0x6A, 0x70, 0x32, 0x20};
    /** WSQ start-of-image marker. */
    static final byte[] WSQ_SOI = {(byte) 0xFF, (byte) 0xA0};
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A};

    private static final long MIN_IMAGE = 64;

    private PayloadPlan() {}

    /** One payload entry: its name, whether it is deflated, and its content. */
    record Item(String name, boolean deflated, ContentSource content) {}

    static List<Item> items(long targetBytes, byte[] demographics, long seed) {
        List<Share> shares = targetBytes < SMALL_PACKET ? smallSet() : fullSet();
        // The manifest lists each entry in about 110 bytes of JSON after a 350-byte header.
        long manifestEstimate = 350 + 110L * (shares.size() + 1);
        long imageBudget = Math.max(0, targetBytes - demographics.length - manifestEstimate);

        List<Item> items = new ArrayList<>();
        // JSON compresses; images are already compressed, so devices store them as they are.
        items.add(new Item("demographics.json", true, ContentSource.of(demographics)));
        for (Share share : shares) {
            long size = Math.max(MIN_IMAGE, Math.round(imageBudget * share.fraction));
            items.add(new Item(share.name, false,
                    ContentSource.pseudoRandom(share.signature, size, entrySeed(seed, share.name))));
        }
        return items;
    }

    /** A content seed per entry, so entries of one packet differ from each other. */
    static long entrySeed(long packetSeed, String name) {
        return packetSeed ^ (name.hashCode() * 0x9E3779B97F4A7C15L);
    }

    private record Share(String name, byte[] signature, double fraction) {}

    private static List<Share> fullSet() {
        List<Share> shares = new ArrayList<>();
        shares.add(new Share("face.jp2", JP2_SIGNATURE, 0.18));
        for (int finger = 1; finger <= 10; finger++) {
            shares.add(new Share(String.format("finger_%02d.wsq", finger), WSQ_SOI, 0.05));
        }
        shares.add(new Share("iris_left.jp2", JP2_SIGNATURE, 0.12));
        shares.add(new Share("iris_right.jp2", JP2_SIGNATURE, 0.12));
        shares.add(new Share("signature.png", PNG_SIGNATURE, 0.08));
        return shares;
    }

    private static List<Share> smallSet() {
        return List.of(new Share("face.jp2", JP2_SIGNATURE, 0.5),
                new Share("finger_01.wsq", WSQ_SOI, 0.25),
                new Share("finger_02.wsq", WSQ_SOI, 0.25));
    }
}
