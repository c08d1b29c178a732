package id.ektp.hub.up;

/** The device a packet was taken from: what its manifest must name. */
public record PacketOrigin(String kecamatanCode, String deviceId) {}
