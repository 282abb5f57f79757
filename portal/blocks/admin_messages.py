"""Korean for the admin screens that Django and the packages it uses word themselves.

The project's catalog (locale/ko) is read before theirs, so a message listed here is
shown with the project's Korean: simple-history and django-axes ship none;
django-import-export leaves some out; Django's own puts a space or the word 개체
before the object particle ("…개체”를", "%s 을/를") and says "보기위한 1%s".
Listing a message here keeps it in the catalog that ``makemessages`` extracts;
nothing imports this module.
"""

from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy

MESSAGES = (
    # Django's admin
    _("Delete selected %(verbose_name_plural)s"),
    _("Successfully deleted %(count)d %(items)s."),
    _("Added {name} “{object}”."),
    _("Changed {fields} for {name} “{object}”."),
    _("Deleted {name} “{object}”."),
    _("The {name} “{obj}” was added successfully."),
    _("The {name} “{obj}” was added successfully. You may add another {name} below."),
    _("The {name} “{obj}” was changed successfully. You may edit it again below."),
    _("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    _("The {name} “{obj}” was changed successfully."),
    _("Select %s to view"),
    _("View %s"),
    # simple-history
    _("View history: %s"),
    _("Change history: %s"),
    _('The %(name)s "%(obj)s" was changed successfully.'),
    _("You may edit it again below"),
    _("Revert %s"),
    _("Created"),
    _("Changed"),
    _("Deleted"),
    _("Choose a date from the list below to revert to a previous version of this object."),
    _("This object doesn't have a change history."),
    _("History"),
    _("View %(verbose_name)s"),
    _("Revert %(verbose_name)s"),
    _("Press the 'Revert' button below to revert to this version of the object."),
    _("Press the 'Change History' button below to edit the history."),
    _("Revert"),
    _("Change History"),
    _("Close"),
    # django-axes (the sign-in lockout's records)
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("User Agent"),
    _("IP Address"),
    _("Username"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("Logout Time"),
    _("Access lock out"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("Expires At"),
    _("Form Data"),
    _("Meta Data"),
    _("Attempt Remaining"),
    _("Locked Out"),
    _("Not set"),
    _("Clean up expired attempts"),
    # django-import-export
    _(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the "
        "correct format for the file."
    ),
    _("No valid data to import. Ensure your file has the correct headers or data for import."),
    _('Select at least 1 field for "%(resource_name)s" to export'),
    _("Select all"),
    _("Row"),
    _("Value could not be parsed."),
    _("Resource"),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
)
