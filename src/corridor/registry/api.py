"""Registry API: enterprises (list, read, create, change, delete, restore, history) and imports."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field, StrictBool

from corridor.accounts.auth import require_perm
from corridor.core.api_errors import (
    ID_TEXT,
    NOT_BLANK,
    TEXT_RULE,
    YEAR_TEXT,
    BodyIn,
    IsoDate,
    Money,
    domain_rules,
    given_not_null,
    responses,
)
from corridor.core.pagination import BoundedPagination
from corridor.core.views import SignedInRequest
from corridor.errors import ValidationFailed
from corridor.imports import api as imports_api
from corridor.registry import permissions as perms
from corridor.registry import selectors, services
from corridor.registry.models import EnterpriseStatus

router = Router(tags=["registry"])


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str | None
    uscc_checksum_confirmed: bool
    legal_form: str
    established_on: dt.date | None
    registered_capital: Decimal | None
    address: str
    province: str
    city: str
    county: str
    province_code: str
    city_code: str
    county_code: str
    latitude: float | None
    longitude: float | None
    industry_code: str
    business_scope: str
    main_products: str
    is_local: bool
    park_id: int | None
    status: str
    is_synthetic: bool
    latest_year: int | None
    latest_revenue: Decimal | None
    latest_employees: int | None
    size_band: str


class EnterpriseIn(BodyIn):
    name: str = Field(pattern=NOT_BLANK, max_length=200)
    uscc: str | None = None
    confirm_checksum: StrictBool = False
    legal_form: str = Field("", max_length=60)
    established_on: IsoDate | None = None
    registered_capital: Money | None = None
    address: str = Field("", max_length=300)
    industry_code: str = Field("", max_length=5)
    business_scope: str = ""
    main_products: str = ""
    is_local: StrictBool = False
    status: EnterpriseStatus = EnterpriseStatus.OPERATING


class EnterprisePatch(BodyIn):
    """Only the fields given change; a field given is never null (the service refuses nulls)."""

    name: str = given_not_null(pattern=NOT_BLANK, max_length=200)
    uscc: str | None = None
    confirm_checksum: StrictBool = False
    legal_form: str = given_not_null(max_length=60)
    established_on: IsoDate | None = None
    address: str = given_not_null(max_length=300)
    industry_code: str = given_not_null(max_length=5)
    business_scope: str = given_not_null()
    main_products: str = given_not_null()
    is_local: StrictBool = given_not_null()
    status: EnterpriseStatus = given_not_null()


# What the registry's services refuse that the schema above cannot state.
ENTERPRISE_RULES = domain_rules(
    (
        "uscc",
        "",
        "a USCC has 18 characters of its alphabet; a failed check character needs confirm_checksum",
    ),
    TEXT_RULE,
)


class FiltersIn(Schema):
    q: str = ""
    county: str = ""
    park: str = Field("", pattern=ID_TEXT)  # read by core.params.id_param, like the page's
    title: str = ""
    size: str = ""
    locality: str = ""
    status: str = ""
    tag: str = ""
    synthetic: str = ""
    facts_year: str = Field("", pattern=YEAR_TEXT)  # read by core.params.year_param
    sort: str = "-revenue"


class HistoryOut(Schema):
    at: dt.datetime
    who: str | None
    action: str
    source: str
    note: str
    changes: list[tuple[str, object, object]]


def _validate_status(status: str | None) -> None:
    from corridor.registry.models import EnterpriseStatus

    if status is not None and status not in EnterpriseStatus.values:
        raise ValidationFailed(
            _("status must be one of %(values)s") % {"values": ", ".join(EnterpriseStatus.values)},
            field="status",
            value=status,
        )


@router.get("/enterprises", response=responses({200: list[EnterpriseOut]}))
@paginate(BoundedPagination)
def list_enterprises(request: SignedInRequest, filters: Query[FiltersIn]):  # type: ignore[no-untyped-def]
    """Enterprises matching the same filters as the list page."""
    require_perm(request, perms.VIEW_ENTERPRISE)
    return selectors.enterprise_list(selectors.EnterpriseFilters.from_query(filters.dict()))


@router.get("/enterprises/{enterprise_id}", response=responses({200: EnterpriseOut}, 404))
def get_enterprise(request: SignedInRequest, enterprise_id: int):  # type: ignore[no-untyped-def]
    """One enterprise."""
    require_perm(request, perms.VIEW_ENTERPRISE)
    return selectors.get_enterprise(enterprise_id)


@router.post(
    "/enterprises",
    response=responses({201: EnterpriseOut}, 400, 409),
    openapi_extra=ENTERPRISE_RULES,
)
def create_enterprise(request: SignedInRequest, payload: EnterpriseIn):  # type: ignore[no-untyped-def]
    """Create an enterprise (a USCC failing its checksum needs confirm_checksum)."""
    require_perm(request, perms.ADD_ENTERPRISE)
    _validate_status(payload.status)
    data = payload.dict(exclude={"confirm_checksum"})
    return 201, services.create_enterprise(
        data, request.user, payload.confirm_checksum, source="api"
    )


@router.patch(
    "/enterprises/{enterprise_id}",
    response=responses({200: EnterpriseOut}, 400, 404, 409),
    openapi_extra=ENTERPRISE_RULES,
)
def update_enterprise(request: SignedInRequest, enterprise_id: int, payload: EnterprisePatch):  # type: ignore[no-untyped-def]
    """Change some fields of an enterprise."""
    require_perm(request, perms.CHANGE_ENTERPRISE)
    _validate_status(payload.status)
    data = payload.dict(exclude_unset=True, exclude={"confirm_checksum"})
    return services.update_enterprise(
        selectors.get_enterprise(enterprise_id),
        data,
        request.user,
        payload.confirm_checksum,
        source="api",
    )


@router.delete("/enterprises/{enterprise_id}", response=responses({204: None}, 400, 404, 409))
def delete_enterprise(request: SignedInRequest, enterprise_id: int):  # type: ignore[no-untyped-def]
    """Soft-delete an enterprise."""
    require_perm(request, perms.DELETE_ENTERPRISE)
    services.soft_delete_enterprise(selectors.get_enterprise(enterprise_id), request.user)
    return 204, None


@router.post(
    "/enterprises/{enterprise_id}/restore", response=responses({200: EnterpriseOut}, 400, 404, 409)
)
def restore_enterprise(request: SignedInRequest, enterprise_id: int):  # type: ignore[no-untyped-def]
    """Restore a soft-deleted enterprise."""
    require_perm(request, perms.RESTORE_ENTERPRISE)
    return services.restore_enterprise(enterprise_id, request.user)


@router.get(
    "/enterprises/{enterprise_id}/history", response=responses({200: list[HistoryOut]}, 404)
)
def enterprise_history(request: SignedInRequest, enterprise_id: int):  # type: ignore[no-untyped-def]
    """Every recorded change of an enterprise, newest first."""
    require_perm(request, perms.VIEW_ENTERPRISE)
    entries = selectors.enterprise_history(selectors.get_enterprise(enterprise_id))
    return [
        {**e, "who": e["who"].username if e["who"] else None, "action": str(e["action"])}
        for e in entries
    ]


# The registry's import routes are the intake wing's, for kind "enterprises" (kept for clients).
router.add_api_operation(
    "/imports",
    ["POST"],
    imports_api.upload_import,
    response=responses({201: imports_api.ImportOut}, 400, 409),
    operation_id="registry_upload_import",
    openapi_extra=imports_api.UPLOAD_RULES,
)
for _path, _methods, _view, _errors in (
    ("/imports/{import_id}", ["GET"], imports_api.get_import, (404,)),
    ("/imports/{import_id}/apply", ["POST"], imports_api.apply_import, (400, 404, 409)),
    ("/imports/{import_id}/revert", ["POST"], imports_api.revert_import, (400, 404, 409)),
):
    router.add_api_operation(
        _path,
        _methods,
        _view,
        response=responses({200: imports_api.ImportOut}, *_errors),
        operation_id=f"registry_{_view.__name__}",
    )
router.add_api_operation(
    "/imports/{import_id}/issues",
    ["GET"],
    imports_api.import_issues,
    response=responses({200: list[imports_api.IssueOut]}, 404),
    operation_id="registry_import_issues",
)
