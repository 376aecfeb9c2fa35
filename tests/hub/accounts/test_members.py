"""The members page: list, add by e-mail (an invitation: accounts/test_invitations.py), change a role,
remove; new organizations and switching between them. Owners manage, the others read, the outsider gets
404 everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hub.accounts.errors import MemberError, MembershipError
from hub.accounts.models import Membership, Organization, Role, User
from hub.accounts.services import member_change_role, membership_set
from tests.hub.helpers import form_once, login

pytestmark = pytest.mark.django_db


def members_url(organization: Organization, rest: str = "") -> str:
    return f"/o/{organization.slug}/members/{rest}"


def membership(organization: Organization, user: User) -> Membership:
    return Membership.objects.get(organization=organization, user=user)


def english(user: User) -> User:
    user.language = "en"
    user.save()
    return user


def member_views(organization: Organization) -> list[tuple[str, str]]:
    target = Membership.objects.filter(organization=organization).first()
    assert target is not None
    return [
        ("get", ""),
        ("post", "add/"),
        ("post", f"{target.pk}/role/"),
        ("post", f"{target.pk}/remove/"),
    ]


def test_the_outsider_gets_404_on_every_members_view(organization: Organization, outsider: User) -> None:
    client = login(outsider)
    for method, rest in member_views(organization):
        data = {"email": "x@example.ro", "role": Role.OWNER, "language": "ro"} if method == "post" else {}
        response = getattr(client, method)(members_url(organization, rest), data)
        assert response.status_code == 404, (method, rest)
    assert Membership.objects.filter(organization=organization).count() == 3


def test_anonymous_users_are_sent_to_login(organization: Organization) -> None:
    for method, rest in member_views(organization):
        response = getattr(Client(), method)(members_url(organization, rest))
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    response = Client().get("/organizations/new/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_membership_of_another_organization_is_not_found_here(
    organization: Organization, owner: User, outsider: User
) -> None:
    foreign = Membership.objects.get(user=outsider)
    client = login(owner)
    for action in ("role", "remove"):
        response = client.post(members_url(organization, f"{foreign.pk}/{action}/"), {"role": Role.VIEWER})
        assert response.status_code == 404
    assert Membership.objects.get(pk=foreign.pk).role == Role.OWNER


def test_everyone_sees_the_list_with_roles_but_only_owners_get_the_forms(
    organization: Organization, owner: User, member: User, viewer: User
) -> None:
    page = login(owner).get(members_url(organization)).content.decode()
    assert "<h1>Membri</h1>" in page
    for user in (owner, member, viewer):
        assert user.email in page
    assert 'id="member-add"' in page
    assert "Schimbă rolul" in page
    for reader in (member, viewer):
        page = login(reader).get(members_url(organization)).content.decode()
        for user in (owner, member, viewer):
            assert user.email in page
        assert "Proprietar / administrator" in page
        assert "Contabil" in page
        assert 'id="member-add"' not in page
        assert "/remove/" not in page
        assert "/role/" not in page
        assert "Doar proprietarii / administratorii organizației pot adăuga membri" in page


def test_the_menu_links_to_members_only_for_owners(
    organization: Organization, owner: User, member: User
) -> None:
    link = f'href="{members_url(organization)}"'
    assert link in login(owner).get(f"/o/{organization.slug}/integrations/").content.decode()
    assert link not in login(member).get(f"/o/{organization.slug}/integrations/").content.decode()


def test_accountants_and_viewers_cannot_change_anything(
    organization: Organization, owner: User, member: User, viewer: User
) -> None:
    for reader in (member, viewer):
        client = login(reader)
        own = membership(organization, reader)
        attempts = [
            ("add/", {"email": "nou@example.ro", "role": Role.VIEWER, "language": "ro"}),
            (f"{own.pk}/role/", {"role": Role.OWNER}),
            (f"{membership(organization, owner).pk}/role/", {"role": Role.VIEWER}),
            (f"{membership(organization, owner).pk}/remove/", {}),
        ]
        for rest, data in attempts:
            assert client.post(members_url(organization, rest), data).status_code == 403
    assert {m.user_id: m.role for m in Membership.objects.filter(organization=organization)} == {
        owner.pk: Role.OWNER,
        member.pk: Role.ACCOUNTANT,
        viewer.pk: Role.VIEWER,
    }
    assert not User.objects.filter(email="nou@example.ro").exists()


def test_a_user_cannot_raise_themselves_above_their_role(organization: Organization, member: User) -> None:
    own = membership(organization, member)
    with pytest.raises(MembershipError) as refused:
        member_change_role(actor=own, membership=own, role=Role.OWNER)
    assert refused.value.code == MemberError.ROLE_ABOVE_OWN
    with pytest.raises(MembershipError) as refused:
        member_change_role(actor=own, membership=own, role=Role.VIEWER)
    assert refused.value.code == MemberError.NO_PERMISSION
    assert membership(organization, member).role == Role.ACCOUNTANT


def test_adding_someone_twice_or_a_bad_address_is_refused(
    organization: Organization, owner: User, member: User
) -> None:
    client = login(owner)
    response = client.post(
        members_url(organization, "add/"),
        {
            "email": member.email,
            "role": Role.VIEWER,
            "language": "ro",
            "form_once": form_once(client, members_url(organization)),
        },
    )
    assert response.status_code == 409
    assert "Această persoană este deja membră a organizației." in response.content.decode()
    assert membership(organization, member).role == Role.ACCOUNTANT
    response = client.post(
        members_url(organization, "add/"), {"email": "nu-e-adresa", "role": Role.VIEWER, "language": "ro"}
    )
    assert response.status_code == 400
    assert User.objects.count() == 4


def test_the_owner_changes_a_role_and_removes_a_member(
    organization: Organization, owner: User, member: User, viewer: User
) -> None:
    client = login(owner)
    response = client.post(
        members_url(organization, f"{membership(organization, member).pk}/role/"), {"role": Role.VIEWER}
    )
    assert response.status_code == 302
    assert membership(organization, member).role == Role.VIEWER
    response = client.post(members_url(organization, f"{membership(organization, viewer).pk}/remove/"))
    assert response.status_code == 302
    assert not Membership.objects.filter(organization=organization, user=viewer).exists()
    assert login(viewer).get(members_url(organization)).status_code == 404
    assert "nu mai are acces la organizație" in client.get(members_url(organization)).content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ro", "Organizația trebuie să aibă cel puțin un proprietar / administrator"),
        ("en", "The organization must keep at least one owner / administrator"),
    ],
)
def test_the_last_owner_can_be_neither_demoted_nor_removed(
    organization: Organization, owner: User, member: User, language: str, message: str
) -> None:
    owner.language = language
    owner.save()
    client = login(owner)
    own = membership(organization, owner)
    for rest, data in ((f"{own.pk}/role/", {"role": Role.ACCOUNTANT}), (f"{own.pk}/remove/", {})):
        response = client.post(members_url(organization, rest), data)
        assert response.status_code == 409
        assert message in response.content.decode()
    assert membership(organization, owner).role == Role.OWNER
    # With a second owner, the first may step down.
    membership_set(organization=organization, user=member, role=Role.OWNER)
    assert (
        client.post(members_url(organization, f"{own.pk}/role/"), {"role": Role.ACCOUNTANT}).status_code
        == 302
    )
    assert membership(organization, owner).role == Role.ACCOUNTANT
    # The new last owner is protected in turn, and the former one may no longer manage.
    assert (
        client.post(members_url(organization, f"{membership(organization, member).pk}/remove/")).status_code
        == 403
    )
    assert membership(organization, member).role == Role.OWNER


def test_a_new_organization_makes_its_creator_owner_and_can_be_switched_to(
    organization: Organization, member: User
) -> None:
    client = login(member)
    page = client.get(f"/o/{organization.slug}/integrations/").content.decode()
    assert 'value="/organizations/new/"' in page  # the switcher offers a new organization
    assert client.post("/organizations/new/", {"name": ""}).status_code == 400
    token = form_once(client, "/organizations/new/")
    response = client.post("/organizations/new/", {"name": "Cabinet Mihai Contabil", "form_once": token})
    again = client.post("/organizations/new/", {"name": "Cabinet Mihai Contabil", "form_once": token})
    assert again.status_code == 302  # the same form sent twice (a double click): created once
    created = Organization.objects.get(name="Cabinet Mihai Contabil")
    assert response["Location"] == members_url(created)
    assert membership(created, member).role == Role.OWNER
    assert Membership.objects.filter(organization=created).count() == 1
    page = client.get(members_url(created)).content.decode()
    assert "Organizația a fost creată" in page
    for target in (organization, created):  # the switcher lists both, each page opens
        assert f'value="/o/{target.slug}/integrations/"' in page
        assert client.get(f"/o/{target.slug}/integrations/").status_code == 200
    assert membership(organization, member).role == Role.ACCOUNTANT  # nothing changed in the first one


def test_a_user_without_organization_can_create_one(make_user: Any) -> None:
    loner = english(make_user("lina"))
    client = login(loner)
    page = client.get("/").content.decode()
    assert "New organization" in page
    token = form_once(client, "/organizations/new/")
    response = client.post("/organizations/new/", {"name": "Lina SRL", "form_once": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # one organization: home goes straight to it
