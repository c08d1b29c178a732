package id.ektp.hub.connectors.device;

import id.ektp.hub.codes.Codes;

/**
 * A device as the spool names it: {@code 331005-CWS01}, the kecamatan code without dots and
 * the device id. The spool keeps received packets in a folder per device, so which device a
 * packet came from survives a restart without a database lookup.
 */
public record DeviceRef(String kecamatanCode, String deviceId) {

    public static DeviceRef of(String key) {
        int dash = key.indexOf('-');
        if (dash != 6) {
            throw new IllegalArgumentException("not a device key: " + key);
        }
        String k = key.substring(0, dash);
        return new DeviceRef(k.substring(0, 2) + "." + k.substring(2, 4) + "." + k.substring(4, 6),
                key.substring(dash + 1));
    }

    public String key() {
        return Codes.compact(kecamatanCode) + "-" + deviceId;
    }

    @Override
    public String toString() {
        return kecamatanCode + "/" + deviceId;
    }
}
