package org.camelreplicator.transform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.camelreplicator.config.TransformSettings;

/**
 * Masks for column transforms, called from a transform route with Camel's bean language
 * ({@code method: {ref: masks, method: "hash(${header.email})"}}). A null value stays null. (The third
 * mask, null, needs no bean: {@code simple: "${null}"}.)
 */
public final class Masks {

    private final String salt;

    public Masks(String salt) {
        this.salt = salt;
    }

    /**
     * SHA-256 of replicator.mask.salt followed by the value's text, as 64 hexadecimal digits: equal
     * values stay equal (joins and counts still work), and without the salt nobody can hash guesses
     * to find them. A hash without a salt is refused, naming the setting.
     */
    public String hash(Object value) {
        if (value == null) {
            return null;
        }
        if (salt.isEmpty()) {
            throw new IllegalArgumentException(TransformSettings.MASK_SALT + " is empty, and masks.hash needs it: without a secret salt a"
                    + " hash of an e-mail or a phone number is undone by hashing guesses. Set " + TransformSettings.MASK_SALT
                    + " (keep it out of version control, e.g. as the environment variable REPLICATOR_MASK_SALT)");
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(text(value).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM has no SHA-256", e);
        }
    }

    /** The value with every character but the last {@code n} replaced by '*'; a value of at most n characters is all '*'. */
    public String keepLast(Object value, int n) {
        if (value == null) {
            return null;
        }
        if (n < 0) {
            throw new IllegalArgumentException("masks.keepLast needs a count of characters to keep of 0 or more, not " + n);
        }
        String s = text(value);
        int length = s.codePointCount(0, s.length());
        if (length <= n) {
            return "*".repeat(length);
        }
        int cut = s.offsetByCodePoints(0, length - n);
        return "*".repeat(length - n) + s.substring(cut);
    }

    private static String text(Object value) {
        return value instanceof byte[] b ? HexFormat.of().formatHex(b) : value.toString();
    }
}
