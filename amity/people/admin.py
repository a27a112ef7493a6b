"""Register people models with the Django admin for the server's operator."""

from django.contrib import admin

from amity.people.models import ContactPoint, Interaction, Note, Person, Tag


class ContactPointInline(admin.TabularInline):
    """Edit a person's contact points on their admin page."""

    model = ContactPoint
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """List and edit people."""

    list_display = ("full_name", "company", "field", "owner", "last_interaction_at")
    list_filter = ("field",)
    search_fields = ("full_name", "company", "search_text")
    inlines = [ContactPointInline]
    raw_id_fields = ("owner",)


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    """List and edit interactions."""

    list_display = ("occurred_at", "channel", "direction", "intent", "subtype", "owner")
    list_filter = ("channel", "intent")
    raw_id_fields = ("owner", "people")


admin.site.register(Tag)
admin.site.register(Note)
