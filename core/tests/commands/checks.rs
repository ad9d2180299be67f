//! Every check, passing and failing with the failure naming what is missing.

use stoat_core::cache::{Cache, MissingFromCache};
use stoat_core::commands::{Check, CheckContext, CheckFailure, PermissionScope, RoleRef};
use stoat_core::id::UserId;
use stoat_core::model::{Permissions, Timestamp};

use crate::support::*;

fn run_with(
    cache: &Cache,
    check: &Check,
    channel: &str,
    author: &str,
    owners: &[UserId],
) -> Result<(), CheckFailure> {
    let msg = message(channel, author, "");
    let ctx = CheckContext::new(cache, &msg, owners, Timestamp::from_millis(NOW_MS));
    check.run(&ctx)
}

fn run(check: &Check, channel: &str, author: &str) -> Result<(), CheckFailure> {
    run_with(&world(), check, channel, author, &[])
}

#[test]
fn author_permissions_in_the_channel_and_the_server() {
    let kick = Check::has_permissions(Permissions::KICK_MEMBERS);
    assert_eq!(
        run(&kick, GENERAL, ALICE),
        Ok(()),
        "the Moderator role allows kicking"
    );
    assert_eq!(
        run(&kick, GENERAL, OWNER),
        Ok(()),
        "the owner may do anything"
    );
    assert_eq!(
        run(&kick, GENERAL, BOB),
        Err(CheckFailure::MissingPermissions {
            missing: Permissions::KICK_MEMBERS,
            scope: PermissionScope::Channel
        })
    );
    let both = Check::has_server_permissions(Permissions::KICK_MEMBERS | Permissions::BAN_MEMBERS);
    match run(&both, GENERAL, ALICE) {
        Err(CheckFailure::MissingPermissions {
            missing,
            scope: PermissionScope::Server,
        }) => {
            assert_eq!(
                missing,
                Permissions::BAN_MEMBERS,
                "only what is missing is named"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(run(&both, DM, BOB), Err(CheckFailure::NotInServer));
    let error = run(&kick, GENERAL, BOB).unwrap_err();
    assert_eq!(
        error.to_string(),
        "you need the Kick Members permission in this channel"
    );
}

#[test]
fn a_timed_out_member_keeps_only_view_permissions() {
    let kick = Check::has_permissions(Permissions::KICK_MEMBERS);
    assert!(matches!(
        run(&kick, GENERAL, DAVE),
        Err(CheckFailure::MissingPermissions { .. })
    ));
    // After the timeout, the role's permissions are back.
    let msg = message(GENERAL, DAVE, "");
    let later = Timestamp::from_millis(NOW_MS + 7_200_000);
    let cache = world();
    assert_eq!(
        kick.run(&CheckContext::new(&cache, &msg, &[], later)),
        Ok(())
    );
}

#[test]
fn bot_permissions() {
    let kick = Check::bot_has_permissions(Permissions::KICK_MEMBERS);
    assert_eq!(run(&kick, GENERAL, BOB), Ok(()));
    let ban = Check::bot_has_server_permissions(Permissions::BAN_MEMBERS);
    assert_eq!(
        run(&ban, GENERAL, BOB),
        Err(CheckFailure::BotMissingPermissions {
            missing: Permissions::BAN_MEMBERS,
            scope: PermissionScope::Server
        })
    );
    assert_eq!(
        run(&ban, GENERAL, BOB).unwrap_err().to_string(),
        "I need the Ban Members permission in this server"
    );
    // Before Ready, the bot does not know itself.
    let empty = Cache::default();
    assert_eq!(
        run_with(&empty, &kick, GENERAL, BOB, &[]),
        Err(CheckFailure::BotUnknown)
    );
}

#[test]
fn uncached_members_name_what_is_missing() {
    let kick = Check::has_permissions(Permissions::KICK_MEMBERS);
    match run(&kick, GENERAL, CAROL) {
        Err(CheckFailure::Uncached(MissingFromCache::Member(id))) => {
            assert_eq!(id.user.to_string(), CAROL)
        }
        other => panic!("{other:?}"),
    }
    match run(&kick, UNCACHED_CHANNEL, ALICE) {
        Err(CheckFailure::Uncached(MissingFromCache::Channel(_))) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn where_a_command_may_run() {
    assert_eq!(run(&Check::server_only(), GENERAL, BOB), Ok(()));
    assert_eq!(
        run(&Check::server_only(), DM, BOB),
        Err(CheckFailure::NotInServer)
    );
    assert_eq!(run(&Check::dm_only(), DM, BOB), Ok(()));
    assert_eq!(
        run(&Check::dm_only(), GENERAL, BOB),
        Err(CheckFailure::NotInDirectMessage)
    );
    assert_eq!(run(&Check::nsfw(), NSFW, BOB), Ok(()));
    assert_eq!(run(&Check::nsfw(), DM, BOB), Ok(()), "DMs count as NSFW");
    assert_eq!(
        run(&Check::nsfw(), GENERAL, BOB),
        Err(CheckFailure::NotNsfw)
    );
}

#[test]
fn owners_come_from_ready_or_the_framework() {
    assert_eq!(
        run(&Check::is_owner(), GENERAL, OWNER),
        Ok(()),
        "the bot account's owner"
    );
    assert_eq!(
        run(&Check::is_owner(), GENERAL, ALICE),
        Err(CheckFailure::NotOwner)
    );
    let alice: UserId = ALICE.parse().unwrap();
    assert_eq!(
        run_with(&world(), &Check::is_owner(), GENERAL, ALICE, &[alice]),
        Ok(())
    );
}

#[test]
fn roles_by_name_or_id() {
    assert_eq!(run(&Check::has_role("Moderator"), GENERAL, ALICE), Ok(()));
    let mod_role = MOD_ROLE.parse().unwrap();
    assert_eq!(
        run(&Check::has_role(RoleRef::Id(mod_role)), GENERAL, ALICE),
        Ok(())
    );
    assert_eq!(
        run(&Check::has_role("Moderator"), GENERAL, BOB),
        Err(CheckFailure::MissingRole {
            role: RoleRef::Name("Moderator".into())
        })
    );
    assert_eq!(
        run(&Check::has_any_role(["Admin", "Member"]), GENERAL, BOB),
        Ok(())
    );
    match run(&Check::has_any_role(["Admin", "Moderator"]), GENERAL, BOB) {
        Err(CheckFailure::MissingAnyRole { roles }) => assert_eq!(roles.len(), 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        run(&Check::has_role("Member"), DM, BOB),
        Err(CheckFailure::NotInServer)
    );
}

#[test]
fn custom_predicates_and_any() {
    let long = Check::predicate("long message", |ctx| {
        ctx.message.content.as_deref().is_some_and(|c| c.len() > 3)
    });
    match run(&long, GENERAL, BOB) {
        Err(CheckFailure::Predicate { name, reason: None }) => assert_eq!(name, "long message"),
        other => panic!("{other:?}"),
    }
    let explained = Check::custom("weekday", |_| {
        Err(CheckFailure::Predicate {
            name: "weekday".into(),
            reason: Some("only on weekdays".into()),
        })
    });
    assert_eq!(
        run(&explained, GENERAL, BOB).unwrap_err().to_string(),
        "only on weekdays"
    );

    let either = Check::any([Check::is_owner(), Check::has_role("Moderator")]);
    assert_eq!(run(&either, GENERAL, OWNER), Ok(()));
    assert_eq!(run(&either, GENERAL, ALICE), Ok(()));
    match run(&either, GENERAL, BOB) {
        Err(CheckFailure::NoneSucceeded(failures)) => {
            assert_eq!(
                failures,
                [
                    CheckFailure::NotOwner,
                    CheckFailure::MissingRole {
                        role: "Moderator".into()
                    }
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        run(&either, GENERAL, BOB).unwrap_err().to_string(),
        "only the bot's owner can use this command, or you need the role \"Moderator\""
    );
}
