/** Names of every operation in the vendor's 2011 v1 WSDL plus the later ones seen on its help pages (data). */
export const V1_VENDOR_OPERATIONS: ReadonlySet<string> = new Set(
  (
    'ListContactsInAddressBook ListContactsInAddressBookWithFullData ListModifiedContacts ' +
    'ListUnsubscribersAddressBook ListModifiedContacts2 ListNewContacts ListModifiedContactsInAddressBook ' +
    'ListModifiedContactsInAddressBook2 ListHardBouncingContacts ListHardBouncesContacts2 ' +
    'ListHardBouncingContactsWithLabels ListHardBouncingContactsWithLabels2 ListCampaignActivities ' +
    'ListCampaignOpeners ListCampaignClickers ListCampaignClickers2 ListCampaignActivitiesSinceDate ' +
    'ListCampaignContactActivity ListUnsubscribers ListSuppressedContacts CreateContact CreateDataField ' +
    'DeleteDataField UpdateContact AddContactToAddressBook RemoveContactFromAddressBook ' +
    'RemoveAllContactsFromAddressBook GetContactByEmail GetContactById AddContactsToAddressBook ' +
    'AddContactsToAddressBookWithProgress GetContactImportProgress GetCampaignSendProgress GetContactImportReport ' +
    'GetContactImportReportFaults ListAddressBooks ListContactDataLabels ListAddressBooksForContact ' +
    'ListAddressBooksForCampaign ListCampaignsForAddressBook CreateAddressBook DeleteAddressBook ' +
    'GetAddressBookContactCount ListCampaignContactReplies ListCampaignContactClicks ListCampaignContactClicks2 ' +
    'ListCampaignContactPageViews ListCampaignContactOpens ListCampaignContactRoiDetail ' +
    'GetCampaignContactForwardInfo ListCampaignContactSocialBookmarkViews ListCampaigns ListCampaigns2 ' +
    'ListAvailableCustomFromAddresses SetCampaignCustomFromAddress ListSentCampaignsWithActivitySinceDate ' +
    'GetCampaign IsSplitTestCampaign GetCampaignSummary SendCampaignToAddressBooks ' +
    'SendCampaignToAddressBooksWithProgress SendSplitTestCampaignToAddressBookWithProgress SendCampaignToContact ' +
    'CreateCampaign UpdateCampaign GetServerTime SendSingleSMSMessage ' +
    'ResubscribeContact GetContactStatusByEmail GetCurrentAccountInfo'
  ).split(' '),
);
