/* ---------- My commitments: the rep's open commitments, marked done outside a session ---------- */
