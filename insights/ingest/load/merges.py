"""What identity resolution did, in the owner's words: how many customers had two or more accounts (customer
ids) that are now one customer, and what joined them. A customer's own e-mail or phone found beside their id is
not a merge the owner needs to hear about; two ids joined by a shared e-mail, phone or a second id are."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insights.core.db import first_row


@dataclass(frozen=True)
class AccountsJoined:
    customers: int          # customers who had two or more customer ids
    ids_folded: int         # ids folded into another customer's id
    by_email: int           # of those customers, joined by a shared e-mail
    by_phone: int
    by_id: int              # joined by a second id on one record (e.g. a CRM's per-order id)

    def sentence(self) -> str:
        if not self.customers:
            return "No two customer ids turned out to be the same person."
        how = [f"{n:,} by the same {what}" for n, what in ((self.by_email, "e-mail"), (self.by_phone, "phone"),
                                                             (self.by_id, "second customer id on one record")) if n]
        plural = "s" if self.customers != 1 else ""
        return (f"{self.customers:,} customer{plural} had two or more customer ids ({', '.join(how)}); each is now "
                f"one customer with all their orders.")


def accounts_joined(con) -> AccountsJoined:
    row = first_row(con.execute("""
        with folded as (
            select customer_id, reason from identity_merges where key_kind = 'id'
        ), per_customer as (
            select customer_id, count(*) as ids,
                   bool_or(reason like '% as e-mail %') as email, bool_or(reason like '% as phone %') as phone,
                   bool_or(reason like '% as customer id %') as second_id
            from folded group by customer_id
        )
        select count(*), coalesce(sum(ids), 0), count(*) filter (where email), count(*) filter (where phone),
               count(*) filter (where second_id and not email and not phone)
        from per_customer"""))
    return AccountsJoined(*(int(v) for v in row))


def accounts_joined_frame(con) -> pd.DataFrame:
    """One row per customer id folded into another: the customer it now belongs to and why (for download)."""
    return con.execute("""select customer_id as "Customer", merged_key as "Also known as", reason as "Why"
        from identity_merges where key_kind = 'id' order by 1, 2""").df()
