"""A HighLevel (LeadConnector) contacts API sandbox, beside the Lightfield one.

It has no dependency on Django or the dashboard; embed it with
`httpx.WSGITransport(app=make_app(HighLevelSandboxConfig(...)))` or run it standalone with
`python manage.py sandbox --api highlevel --port 8002`.

Where HIGHLEVEL.md marks live behaviour UNCONFIRMED, the sandbox takes the reading that asks
more of a client:

* Create with an email or phone already in the location (duplicates not allowed) → `400`
  `{"statusCode": 400, "message": "This location does not allow duplicated contacts.",
  "meta": {"contactName", "contactId", "matchingField": "email"|"phone"}}`; email is checked
  before phone. PUT that would make a duplicate is refused the same way.
* PUT accepts exactly `UpdateContactDto`: `companyName`, `gender`, `locationId`, `keyword`,
  `ssn`, `type` and the read-only keys all answer `422 property X should not exist`.
* Custom fields are named by `id`, or by `key` without the `contact.` prefix; the full
  `fieldKey` is refused. Values go in `field_value` or `fieldValue`; `null` and `""` clear.
  DATE values are `YYYY-MM-DD`; TEXTBOX_LIST values are objects keyed by option label.
  Reads give typed values (numbers, arrays, objects) as live reports show; the config's
  `string_custom_values` switches to the spec's all-string `CustomFieldSchema`.
* Tags are trimmed and lower-cased; unknown tags join the location's tag list.
* `null` clears a standard field; `""` clears too, except for `email`/`phone`, where it is a
  validation error.
* Duplicate lookup answers `{"contact": {...full record...}}` or `{"contact": null}`.
* Unknown contact ids answer `404 {"statusCode", "message", "error"}`.
* Search: unknown filter/sort fields and operators → `422`; `contains` refuses
  Elasticsearch's special characters; `page * pageLimit > 10000` → `400`; `page` with
  `searchAfter` → `422`; search items carry `null` for absent values.
* 429 carries no `Retry-After` and the body `{"statusCode": 429, "message", "error"}`.
* `birthMonth` in the create response counts from zero, as in the spec's example.
* The full record (GET, PUT) includes `followers` too, not only search items.
* Missing query/body parameters on duplicate lookup, users and search answer `422`
  (class-validator), a `locationId` other than the token's answers `403`.
"""

from sandbox.highlevel.app import HighLevelSandboxApp, make_app
from sandbox.highlevel.config import (
    DEFAULT_API_KEY,
    DEFAULT_LOCATION_ID,
    HighLevelSandboxConfig,
)

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_LOCATION_ID",
    "HighLevelSandboxApp",
    "HighLevelSandboxConfig",
    "make_app",
]
