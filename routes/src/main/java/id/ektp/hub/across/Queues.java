package id.ektp.hub.across;

/** Queue names and message schemas of ICD section 3, in one place. */
public final class Queues {
    public static final String STOCK_REQUESTS = "EKTP.STOCK.REQUESTS";
    public static final String FAILURES = "EKTP.REPORTS.FAILURES";
    public static final String PRR_RECEIPTS = "EKTP.PRR.RECEIPTS";
    public static final String HUB_STATUS = "EKTP.HUB.STATUS";
    public static final String PICKUP_NOTICES = "EKTP.NOTIFY.PICKUP";

    public static final String PRR_BATCH = "ektp.prr-batch/1";
    public static final String PRINT_RESULT = "ektp.print-result/1";
    public static final String STOCK_REQUEST = "ektp.stock-request/1";
    public static final String STOCK_ALLOCATION = "ektp.stock-allocation/1";
    public static final String FAILURE_REPORT = "ektp.failure-report/1";
    public static final String PRR_RECEIPT = "ektp.prr-receipt/1";
    public static final String HUB_STATUS_SCHEMA = "ektp.hub-status/1";
    public static final String PICKUP_NOTICE = "ektp.pickup-notice/1";
    public static final String STOCK_LOAN_REQUEST = "ektp.stock-loan-request/1";
    public static final String PACKET_RESULT = "ektp.packet-result/1";

    /** JMS properties every message carries (ICD §3). */
    public static final String MESSAGE_ID = "EktpMessageId";
    public static final String TYPE = "EktpType";
    public static final String REGENCY = "EktpRegency";

    private Queues() {}

    /** {@code EKTP.STOCK.ALLOCATIONS.3310}: where the ministry announces our shipments. */
    public static String allocations(String compactRegency) {
        return "EKTP.STOCK.ALLOCATIONS." + compactRegency;
    }

    /** {@code EKTP.PACKET.RESULTS.3310}: where the ministry publishes the results of our packets. */
    public static String packetResults(String compactRegency) {
        return "EKTP.PACKET.RESULTS." + compactRegency;
    }

    /** {@code EKTP.STOCK.LOANS.3309}: a neighbouring regency hub's loan queue. */
    public static String loans(String dottedRegency) {
        return "EKTP.STOCK.LOANS." + dottedRegency.replace(".", "");
    }
}
